"""The website chat's server side over socket.io, with a real socket.io client: the origin
allowlist, session ids and the demo page's security headers."""

import queue
import re
import urllib.request

import pytest
import socketio


def web_conversation(session_token):
    """The tracker id of a web chat session: `web:` and the token's id part."""
    return "web:" + session_token.split(".")[0]


def origin_of_demo(assistant):
    return assistant.demo_url


def connect(assistant, origin):
    client = socketio.Client(reconnection=False)
    replies = queue.Queue()
    client.on("session_confirm", lambda session_id: replies.put(("session", session_id)))
    client.on("bot_uttered", lambda message: replies.put(("bot", message)))
    client.connect(assistant.rasa_url, headers={"Origin": origin}, transports=["polling"], wait_timeout=30)
    return client, replies


def next_of(replies, kind, timeout=60):
    while True:
        got_kind, value = replies.get(timeout=timeout)
        if got_kind == kind:
            return value


def test_a_page_from_another_origin_cannot_connect(assistant):
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(assistant, "https://other-site.example")


def test_a_made_up_session_id_is_replaced_and_the_session_answers(assistant):
    client, replies = connect(assistant, origin_of_demo(assistant))
    try:
        client.emit("session_request", {"session_id": "../someone-else"})
        session_id = next_of(replies, "session")
        assert re.fullmatch(r"[0-9a-f]{32}\.[0-9a-f]{32}", session_id)
        client.emit("user_uttered", {"message": "what is the SI joint", "session_id": "ignored"})
        texts = [next_of(replies, "bot")["text"] for _ in range(2)]
        assert any("automated educational assistant" in text for text in texts)
        said = [e["text"] for e in assistant.tracker(web_conversation(session_id))["events"] if e["event"] == "user"]
        assert said == ["what is the SI joint"]
    finally:
        client.disconnect()


def test_a_message_that_is_not_text_gets_an_answer(assistant):
    client, replies = connect(assistant, origin_of_demo(assistant))
    try:
        client.emit("session_request", {})
        next_of(replies, "session")
        client.emit("user_uttered", {"message": {"not": "text"}})
        texts = [next_of(replies, "bot")["text"] for _ in range(2)]
        assert any("didn't get any text" in text for text in texts)
    finally:
        client.disconnect()


def test_the_demo_page_is_served_with_a_content_security_policy(assistant):
    with urllib.request.urlopen(assistant.demo_url + "/", timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert assistant.rasa_url in policy
    assert 'src="/widget/si-chat.js"' in page and "cdn" not in page.lower()
