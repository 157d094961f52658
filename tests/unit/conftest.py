import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


@pytest.fixture
def trained_model():
    pytest.fail("unit tests run without the trained model: a test that needs it belongs in tests/model/")


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
