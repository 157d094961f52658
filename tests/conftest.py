import os
import shutil
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
MODEL = ROOT / "models" / "si_joint_assistant.tar.gz"
# Tests that use these fixtures, directly or through other fixtures, need the trained model.
MODEL_FIXTURES = ("trained_model", "assistant")


def pytest_collection_modifyitems(config, items):
    """Marks every test that needs the trained model `needs_model`: `make test-fast` leaves them out."""
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in MODEL_FIXTURES):
            item.add_marker(pytest.mark.needs_model)


@pytest.fixture(scope="session")
def trained_model():
    """The trained model's path (`make train` writes it)."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: `make train` first (`make test` does)")
    return MODEL


@pytest.fixture(scope="session")
def knowledge_copy(tmp_path_factory):
    """A copy of the knowledge file the end-to-end servers answer from, so tests may edit it."""
    from si_joint.knowledge import DEFAULT_KNOWLEDGE_FILE

    path = tmp_path_factory.mktemp("knowledge") / "si_joint.yml"
    shutil.copy(DEFAULT_KNOWLEDGE_FILE, path)
    return path


# The end-to-end servers show the implants answer's link, so the widget's links can be clicked.
IMPLANTS_URL = "https://www.example.org/si-joint-implants?from=chat&lang=en"


# --- Every reply an end-to-end test receives must keep the reply rules (si_joint/reply_rules.py).
# REST replies are checked where they come back (local_servers.RunningAssistant.send and
# channel_requests.http); the browser's in browser_patient.Patient. Web chat (socket.io) replies
# and what the messaging channels send the fake platforms arrive on other threads, so they are
# recorded here and checked when each test ends.


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
    from si_joint_dev.local_servers import assert_reply_rules

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
    from si_joint_dev.local_servers import assert_reply_rules

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


@pytest.fixture(scope="session")
def fake_platforms():
    """Local stand-ins for the Telegram, Facebook, Slack and Twilio APIs the channels reply to."""
    from si_joint_dev.fake_platforms import FakePlatforms

    platforms = FakePlatforms().start()
    yield platforms
    platforms.stop()


@pytest.fixture(scope="session")
def assistant(knowledge_copy, fake_platforms, trained_model):
    """The real action server, Rasa server (trained model; REST, web chat and all four messaging
    channels, replying to `fake_platforms`; HTTP API behind a token to read trackers) and the demo
    page, on free local ports."""
    from si_joint_dev.channel_requests import CHANNEL_SECRETS
    from si_joint_dev.local_servers import running_assistant

    env = {
        "SI_KNOWLEDGE_FILE": str(knowledge_copy),
        "SI_IMPLANTS_URL": IMPLANTS_URL,
        **CHANNEL_SECRETS,
        **{
            f"SI_{name.upper()}_API_URL": fake_platforms.api_url(name)
            for name in ("telegram", "facebook", "slack", "twilio")
        },
    }
    token = "test-api-" + os.urandom(8).hex()
    with running_assistant(ARTIFACTS / "e2e_logs", env, demo=True, api_token=token) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (one for the whole run)."""
    from si_joint_dev.browser_patient import chromium_path, headless_chromium

    try:
        chromium_path()
    except RuntimeError as error:
        pytest.fail(str(error))
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture
def make_tracker():
    """A tracker whose latest message is `text`, classified as `intent` with `entities`; extra
    keyword arguments are more parse data (intent_ranking, input_problem, emergency_signs)."""

    def build(intent, entities=(), text="", slots=None, events=(), **parse_data):
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": [dict(e) for e in entities],
            **parse_data,
        }
        return Tracker(
            sender_id="test-patient",
            slots={"last_topic": None, **(slots or {})},
            latest_message=latest,
            events=list(events),
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return build
