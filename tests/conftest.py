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


@pytest.fixture(scope="session")
def assistant(knowledge_copy):
    """The real action server and Rasa server with the trained model, on free local ports."""
    from local_servers import running_assistant

    with running_assistant(ARTIFACTS / "e2e_logs", {"SI_KNOWLEDGE_FILE": str(knowledge_copy)}) as running:
        yield running


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
