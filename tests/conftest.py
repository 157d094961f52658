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


@pytest.fixture(scope="session")
def knowledge_copy(tmp_path_factory):
    """A copy of the knowledge file the end-to-end servers answer from, so tests may edit it."""
    from actions.knowledge import DEFAULT_KNOWLEDGE_FILE

    path = tmp_path_factory.mktemp("knowledge") / "si_joint.yml"
    shutil.copy(DEFAULT_KNOWLEDGE_FILE, path)
    return path


# The end-to-end servers show the implants answer's link, so the widget's links can be clicked.
IMPLANTS_URL = "https://www.example.org/si-joint-implants?from=chat&lang=en"


@pytest.fixture(scope="session")
def fake_platforms():
    """Local stand-ins for the Telegram, Facebook, Slack and Twilio APIs the channels reply to."""
    from fake_platforms import FakePlatforms

    platforms = FakePlatforms().start()
    yield platforms
    platforms.stop()


@pytest.fixture(scope="session")
def assistant(knowledge_copy, fake_platforms):
    """The real action server, Rasa server (trained model; REST, web chat and all four messaging
    channels, replying to `fake_platforms`; HTTP API behind a token to read trackers) and the demo
    page, on free local ports."""
    from channel_requests import CHANNEL_SECRETS
    from local_servers import running_assistant

    env = {
        "SI_KNOWLEDGE_FILE": str(knowledge_copy),
        "SI_IMPLANTS_URL": IMPLANTS_URL,
        **CHANNEL_SECRETS,
        **{f"SI_{name.upper()}_API_URL": fake_platforms.api_url(name)
           for name in ("telegram", "facebook", "slack", "twilio")},
    }
    token = "test-api-" + os.urandom(8).hex()
    with running_assistant(ARTIFACTS / "e2e_logs", env, demo=True, api_token=token) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (one for the whole run)."""
    from browser_patient import chromium_path, headless_chromium

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
