"""Every reply an end-to-end or cluster test receives must keep the reply rules
(si_joint/reply_rules.py). REST replies are checked where they come back
(running_assistant.RunningAssistant.send and channel_requests.http); the browser's in
browser_patient.Patient. Web chat (socket.io) replies and what the messaging channels send the
fake platforms arrive on other threads, so they are recorded by these fixtures and checked when
each test ends. The conftest.py of e2e/ and cluster/ import them."""

import pytest


@pytest.fixture(autouse=True)
def web_chat_replies_keep_the_reply_rules(monkeypatch):
    """Records the `bot_uttered` messages of every socket.io client a test makes, split into turns
    at each `user_uttered` the client emits, and checks each turn after the test."""
    try:
        import socketio
    except ImportError:  # pragma: no cover - only unit tests without the server dependencies
        yield
        return
    clients = []
    original_on, original_emit = socketio.Client.on, socketio.Client.emit

    def turns_of(client):
        if not hasattr(client, "_reply_rule_turns"):
            client._reply_rule_turns = [[]]
            clients.append(client)
        return client._reply_rule_turns

    def recording(client, handler):
        def record_then_handle(*args):
            if args and isinstance(args[0], dict):
                turns_of(client)[-1].append(args[0])
            return handler(*args)

        return record_then_handle

    def on(self, event, handler=None, namespace=None):
        turns_of(self)
        if event != "bot_uttered":
            return original_on(self, event, handler, namespace)
        if handler is None:
            register = original_on(self, event, None, namespace)
            return lambda decorated: register(recording(self, decorated))
        return original_on(self, event, recording(self, handler), namespace)

    def emit(self, event, *args, **kwargs):
        if event == "user_uttered":
            turns_of(self).append([])
        return original_emit(self, event, *args, **kwargs)

    monkeypatch.setattr(socketio.Client, "on", on)
    monkeypatch.setattr(socketio.Client, "emit", emit)
    yield
    from si_joint_dev.running_assistant import assert_reply_rules

    for client in clients:
        for number, turn in enumerate(client._reply_rule_turns):
            if turn:
                assert_reply_rules(list(turn), f"web chat (socket.io) turn {number}")


@pytest.fixture(autouse=True)
def channel_replies_keep_the_reply_rules(request):
    """What the channels sent the fake platforms during the test, per recipient, split into turns
    at each webhook request a test sent (channel_requests.WEBHOOK_POSTS), checked after the test.
    Each sent text, SMS/WhatsApp option lines included, is also at most MAX_MESSAGE_CHARS."""
    if "fake_platforms" not in request.fixturenames:
        yield
        return
    platforms = request.getfixturevalue("fake_platforms")
    with platforms.lock:
        first = len(platforms.calls)
    yield
    import time as clock

    from si_joint.reply_rules import MAX_MESSAGE_CHARS
    from si_joint_dev.channel_requests import WEBHOOK_POSTS
    from si_joint_dev.fake_platforms import sent_message
    from si_joint_dev.running_assistant import assert_reply_rules

    clock.sleep(0.5)  # replies still on their way when the test ended
    with platforms.lock:
        calls = platforms.calls[first:]
    turns = {}  # (platform, recipient, turn start) -> messages
    for call in calls:
        sent = sent_message(call)
        if sent is None:
            continue
        recipient, message, shown = sent
        assert shown <= MAX_MESSAGE_CHARS, (
            f"{call.platform} message to {recipient} shows {shown} characters (at most {MAX_MESSAGE_CHARS}): "
            f"{message['text'][:200]!r}"
        )
        turn_start = max((t for t in WEBHOOK_POSTS if t <= call.at), default=0.0)
        turns.setdefault((call.platform, recipient, turn_start), []).append(message)
    for (platform, recipient, _), messages in turns.items():
        assert_reply_rules(messages, f"{platform} messages to {recipient}")
