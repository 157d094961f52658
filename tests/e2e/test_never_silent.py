"""Every message of every conversation gets a reply, in any state: asking for the self-check while it
runs, Rasa's action limit, the 20th repeat, look-alike letters hiding a warning sign, a client's own
socket.io `connect` and `disconnect` events. Through the real servers."""

import json
import time
import urllib.request

import pytest

from si_joint.site_settings import setting
from si_joint_dev.running_assistant import reply_text
from si_joint_dev.web_chat_patient import WebChatPatient
from tests import messages_in

EMERGENCY_NUMBER = setting("emergency", "emergency_number")
HIDDEN_EMERGENCIES = messages_in("safety/hidden_emergencies.yml")


def urgent(reply: str) -> bool:
    """The urgent advice names the emergency number; no other reply does."""
    return EMERGENCY_NUMBER in reply


@pytest.mark.parametrize(
    "again",
    [
        "self-check",
        "can we do the self-check",
        "go through the symptoms with me",
        "/self_check_summary",
        "/start_self_check",
        '/start_self_check{"x": "y"}',
    ],
)
def test_asking_for_the_self_check_while_it_runs_goes_on_and_nothing_goes_silent(assistant, again):
    patient = assistant.conversation()
    assert "Question 1 of" in reply_text(patient.say("/start_self_check"))
    assert "Question 2 of" in reply_text(patient.say("yes"))
    reply = reply_text(patient.say(again))
    assert "Question 2 of" in reply, reply
    assert reply.count("Sorry") <= 1
    assert urgent(reply_text(patient.say("I can't control my bladder")))
    assert "start over" in reply_text(patient.say("start over")).lower()
    assert "Question 1 of" in reply_text(patient.say("/start_self_check"))
    assert "deleted" in reply_text(patient.say("delete my conversation"))


def append_events(assistant, conversation_id, events):
    url = f"{assistant.rasa_url}/conversations/{conversation_id}/tracker/events?token={assistant.api_token}"
    request = urllib.request.Request(
        url, data=json.dumps(events).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_a_conversation_stopped_at_rasas_action_limit_answers_again(assistant):
    """A conversation whose last turn hit Rasa's action limit (ten actions, no `action_listen`), as
    the self-check loop left them: Rasa answered nothing to any later message, "start over" included."""
    patient = assistant.conversation()
    patient.say("hi")
    now = time.time()
    looping = [{"event": "action", "name": "action_fallback", "timestamp": now + n / 100} for n in range(10)]
    append_events(
        assistant,
        f"rest:{patient.sender}",
        [
            {
                "event": "user",
                "text": "hello",
                "parse_data": {"intent": {"name": "greet", "confidence": 1.0}},
                "timestamp": now - 1,
            },
            *looping,
        ],
    )
    reply = reply_text(patient.say("what causes SI joint pain"))
    assert "lost track" in reply.lower(), reply
    assert "sacroiliac" in reply_text(patient.say("what causes SI joint pain")).lower()
    assert urgent(reply_text(patient.say("I want to kill myself")))
    assert "start over" in reply_text(patient.say("start over")).lower()


def test_the_same_question_forty_times_is_answered_every_time(assistant):
    """The 20th repeat once got "Sorry, I can't answer right now": the tracker Rasa sends the action
    server outgrew the server's 64 KB request limit."""
    patient = assistant.conversation()
    for number in range(40):
        reply = reply_text(patient.say("what are the treatment options for SI joint pain"))
        assert "fusion" in reply.lower() and "can't answer right now" not in reply, (number, reply)


@pytest.mark.parametrize("message", HIDDEN_EMERGENCIES)
def test_look_alike_letters_do_not_hide_an_emergency(assistant, message):
    patient = assistant.conversation()
    reply = reply_text(patient.say(message))
    assert urgent(reply), reply
    assert "fusion" not in reply.lower()
    stored = [e["text"] for e in assistant.tracker(f"rest:{patient.sender}")["events"] if e["event"] == "user"]
    assert stored[-1] == message  # the tracker keeps what the patient typed


@pytest.mark.parametrize("event", ["disconnect", "connect"])
def test_a_clients_own_connect_or_disconnect_event_is_ignored(assistant, event):
    patient = WebChatPatient(assistant.rasa_url, assistant.demo_url, transports=["polling"]).connect()
    try:
        patient.client.emit(event, {"session_id": patient.session_token})
        patient.client.emit(event)
        reply = reply_text(patient.say("what is the SI joint", timeout_s=30))
        assert "sacroiliac" in reply.lower()
    finally:
        patient.close()


@pytest.mark.parametrize(
    "message",
    [
        '/ask_causes{"cause": "I can\'t breathe"}',  # a payload entity that is not an entry id is words
        "/deny I can't breathe",
        "no I can't breathe",
        "nope my legs went numb and I can't control my bladder",
    ],
)
def test_a_sign_inside_a_command_or_after_no_still_gets_urgent_advice(assistant, message):
    assert urgent(reply_text(assistant.conversation().say(message)))


def test_half_an_emoji_does_not_stop_start_over_or_deletion(assistant):
    patient = assistant.conversation()
    patient.say("what causes SI joint pain")
    assert "start over" in reply_text(patient.say("start over \ud83d")).lower()
    assert "deleted" in reply_text(patient.say("delete my conversation \ude00"))


@pytest.mark.parametrize("arguments", [(), (None,), ({"message": "what is the SI joint"}, "extra")])
def test_a_web_chat_message_without_its_object_is_still_answered(assistant, arguments):
    patient = WebChatPatient(assistant.rasa_url, assistant.demo_url, transports=["polling"]).connect()
    try:
        acknowledged = []
        patient.client.emit(
            "user_uttered",
            arguments if len(arguments) != 1 else arguments[0],
            callback=lambda *reply: acknowledged.append(reply),
        )
        deadline = time.monotonic() + 30
        while not acknowledged and time.monotonic() < deadline:
            time.sleep(0.1)
        assert acknowledged and patient.replies and any(m.get("text") for m in patient.replies)
    finally:
        patient.close()
