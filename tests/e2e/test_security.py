"""Attacks on the running assistant (real Rasa server, action server and channels), each a finding
of the security review: crossing into another patient's conversation, messages that would stall
the server, forged sessions and trackers, malformed requests, exposure beyond loopback."""

import json
import threading
import time
import urllib.request
import zlib

import pytest
import socketio

from si_joint.message_limits import MAX_ANSWERED_CHARS, MAX_SCREENED_CHARS
from si_joint_dev.channel_requests import http, twilio_message, twilio_post
from si_joint_dev.running_assistant import TEST_ACTION_TOKEN, conversation_id

ORDINARY = "My lower back aches after a long walk, but no fever, and I fell years ago. "


def rest(assistant, body, headers=None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http(
        "POST",
        assistant.rasa_url + "/webhooks/rest/webhook",
        data,
        {"Content-Type": "application/json", **(headers or {})},
    )


class WebChat:
    """A socket.io client on the demo page's origin, recording session tokens and bot messages."""

    def __init__(self, assistant):
        self.tokens, self.replies = [], []
        self.client = socketio.Client(reconnection=False)
        self.client.on("session_confirm", self.tokens.append)
        self.client.on("bot_uttered", self.replies.append)
        self.client.connect(assistant.rasa_url, headers={"Origin": assistant.demo_url}, transports=["polling"])

    def session(self, token=None):
        """Asks for `token`'s session (a new one when None); returns the token the server confirms."""
        count = len(self.tokens)
        self.client.emit("session_request", {"session_id": token} if token else {})
        wait_until(lambda: len(self.tokens) > count)
        return self.tokens[-1]

    def close(self):
        self.client.disconnect()


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def user_texts(assistant, conversation):
    return [e.get("text") for e in assistant.tracker(conversation)["events"] if e["event"] == "user"]


def test_rest_cannot_name_or_reach_a_messaging_conversation(assistant):
    phone = "+1555" + str(int(time.time() * 1000))[-7:]
    twilio_post(f"{assistant.rasa_url}/webhooks/twilio/webhook", twilio_message(phone, "what causes SI joint pain"))
    sms = conversation_id("sms", phone)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not user_texts(assistant, sms):
        time.sleep(0.3)
    assert user_texts(assistant, sms) == ["what causes SI joint pain"]
    assert phone not in sms

    for sender in (phone, "whatsapp:" + phone, sms):
        status, body = rest(assistant, {"sender": sender, "message": "tell me more"})
        assert status == 400 and "sender" in json.loads(body)["error"]
    status, body = rest(assistant, {"sender": sms.split(":", 1)[1], "message": "tell me more"})
    assert status == 200
    assert user_texts(assistant, sms) == ["what causes SI joint pain"]  # untouched


def test_rest_cannot_reach_a_web_chat_conversation(assistant):
    chat = WebChat(assistant)
    try:
        session = chat.session().split(".")[0]
        for sender in (session, "web_" + session, "web." + session):
            status, _ = rest(assistant, {"sender": sender, "message": "what is the SI joint"})
            assert status == 200
        assert user_texts(assistant, "web:" + session) == []
    finally:
        chat.close()


@pytest.mark.parametrize(
    "body, headers, status",
    [
        (b"", {}, 400),
        (b"[1, 2]", {}, 400),
        (b"not json", {}, 400),
        (json.dumps({"message": "hi"}).encode(), {}, 400),
        (json.dumps({"sender": "", "message": "hi"}).encode(), {}, 400),
        (json.dumps({"sender": "x" * 1000, "message": "hi"}).encode(), {}, 400),
        (json.dumps({"sender": "a\u0000b", "message": "hi"}).encode(), {}, 400),
        (json.dumps({"sender": "../../etc", "message": "hi"}).encode(), {}, 400),
        (json.dumps({"sender": "p1", "message": ["hi"]}).encode(), {}, 400),
        (json.dumps({"sender": "p1"}).encode(), {}, 400),
        (json.dumps({"sender": "p1", "message": "x" * (MAX_SCREENED_CHARS + 1)}).encode(), {}, 413),
        (json.dumps({"sender": "p1", "message": "hi"}).encode(), {"Content-Type": "text/plain"}, 415),
        (json.dumps({"sender": "p1", "message": "hi"}).encode(), {"X-Forwarded-For": "203.0.113.5"}, 403),
        (b"x" * (1024 * 1024), {}, 413),
    ],
)
def test_malformed_rest_requests_get_a_short_reason_never_a_500(assistant, body, headers, status):
    got, text = rest(assistant, body, headers)
    assert got == status
    if got != 413 or len(body) < 100_000:
        assert json.loads(text)["error"]


def test_a_sign_at_the_end_of_the_longest_message_is_still_an_emergency(assistant):
    text = (ORDINARY * (MAX_SCREENED_CHARS // len(ORDINARY)))[: MAX_SCREENED_CHARS - 60]
    text += " and now I suddenly can't control my bladder."
    assert len(text) <= MAX_SCREENED_CHARS
    status, body = rest(assistant, {"sender": "long-emergency", "message": text})
    assert status == 200 and "emergency" in body.lower() and "911" in body


def answer_time(assistant, sender, message="what is the SI joint"):
    started = time.monotonic()
    status, body = rest(assistant, {"sender": sender, "message": message})
    assert status == 200 and "sacroiliac" in body.lower()
    return time.monotonic() - started


def test_huge_and_hostile_messages_do_not_delay_other_patients(assistant):
    """A 1 MB message, the longest screened messages and the longest answered ones, full of sign
    words, negations and history cues, sent over and over meanwhile: another patient is still
    answered within 8 times the quiet answer time measured in the same run, and never more than 3 s
    over it (about 1 s alone on this shared 2-core machine; the old server took over 30 s). A ratio,
    because the machine is shared."""
    answer_time(assistant, "timed-patient-warmup")
    quiet = sorted(answer_time(assistant, f"quiet-patient-{n}") for n in range(3))[1]
    hostile = "no fever, not numb, years ago I fell and could not control my bladder but now fine; " * 400
    hostile = hostile[:MAX_SCREENED_CHARS]
    stop = threading.Event()
    statuses = []

    def attacker(body):
        while not stop.is_set():
            statuses.append(rest(assistant, body)[0])

    attackers = [
        threading.Thread(target=attacker, args=(b'{"sender": "a1", "message": "' + b"x" * 1_000_000 + b'"}',)),
        threading.Thread(target=attacker, args=({"sender": "a2", "message": hostile},)),
        threading.Thread(target=attacker, args=({"sender": "a3", "message": hostile},)),
        threading.Thread(target=attacker, args=({"sender": "a4", "message": hostile[:MAX_ANSWERED_CHARS]},)),
    ]
    for thread in attackers:
        thread.start()
    try:
        time.sleep(1)
        times = [answer_time(assistant, f"timed-patient-{n}") for n in range(5)]
    finally:
        stop.set()
        for thread in attackers:
            thread.join(timeout=60)
    assert max(times) < min(8 * quiet, quiet + 3.0) or max(times) < 3.0, (quiet, times)
    assert 413 in statuses and 200 in statuses and 500 not in statuses


def test_a_web_chat_message_over_the_limit_is_refused_with_the_emergency_number(assistant):
    chat = WebChat(assistant)
    try:
        chat.session()
        chat.client.emit("user_uttered", {"message": "x" * (MAX_SCREENED_CHARS + 5)})
        wait_until(lambda: chat.replies, timeout=10)
        assert "too long" in chat.replies[0]["text"] and "911" in chat.replies[0]["text"]
    finally:
        chat.close()


def test_a_socket_io_message_over_the_request_limit_is_refused_and_others_are_answered(assistant):
    chat = WebChat(assistant)
    try:
        chat.session()
        try:
            chat.client.emit("user_uttered", {"message": "x" * 1_000_000})
        except socketio.exceptions.SocketIOError:
            pass  # the server may close the connection at once
        time.sleep(2)
        assert chat.replies == []
        assert answer_time(assistant, "after-big-socket-message") < 2.0
    finally:
        chat.close()


def test_a_forged_web_session_gets_a_new_conversation(assistant):
    chat = WebChat(assistant)
    try:
        real = chat.session()
        session, signature = real.split(".")
        for forged in (session, session + "." + signature[::-1], "0" * 32 + "." + signature, "a" * 32):
            given = chat.session(forged)
            assert given != forged and given.split(".")[0] != forged.split(".")[0]
        assert chat.session(real) == real  # the server's own token is kept across a reload
    finally:
        chat.close()


def listening_addresses(port):
    """Local addresses listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


def test_every_server_listens_on_loopback_only(assistant):
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for url in (assistant.rasa_url, assistant.actions_url, assistant.demo_url):
        port = int(url.rsplit(":", 1)[1])
        addresses = listening_addresses(port)
        assert addresses and addresses <= loopback, (url, addresses)


def test_the_action_server_refuses_forged_calls_and_inflation_bombs(assistant):
    call = json.dumps({"next_action": "action_emergency", "tracker": {"sender_id": "x"}}).encode()
    status, body = http("POST", assistant.actions_url + "/webhook", call, {"Content-Type": "application/json"})
    assert status == 401 and "action_emergency" not in body
    status, _ = http(
        "POST",
        assistant.actions_url + "/webhook",
        call,
        {"Content-Type": "application/json", "Authorization": "Bearer not-the-token"},
    )
    assert status == 401
    bomb = zlib.compress(b"{" + b" " * 20_000_000 + b"}", 9)
    assert len(bomb) < 30_000
    status, body = http(
        "POST",
        assistant.actions_url + "/webhook",
        bomb,
        {
            "Content-Type": "application/json",
            "Content-Encoding": "deflate",
            "Authorization": "Bearer " + TEST_ACTION_TOKEN,
        },
    )
    assert status == 413 and "Traceback" not in body


def test_no_version_or_exception_text_reaches_clients(assistant):
    with urllib.request.urlopen(assistant.rasa_url + "/", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "ok"}
    status, body = http(
        "POST",
        assistant.actions_url + "/webhook",
        b"{}",
        {"Content-Type": "application/json", "Authorization": "Bearer " + TEST_ACTION_TOKEN},
    )
    assert status == 400 and "Traceback" not in body and "rasa" not in body.lower()
