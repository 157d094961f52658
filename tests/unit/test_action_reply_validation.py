"""The Rasa server checks every action server reply against Rasa's schema with a validator built
once (serving/rasa_server.py): the same replies pass and fail as with Rasa's own check."""

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from serving.rasa_server import event_by_event_check, validate_action_replies_with_one_validator

VALID = [
    {"events": [{"event": "slot", "name": "last_topic", "value": "causes"}], "responses": [{"text": "an answer"}]},
    {
        "events": [
            {"event": "slot", "name": "language", "value": "es", "timestamp": None},
            {"event": "action", "name": "action_listen", "policy": None, "confidence": None},
            {"event": "session_started", "metadata": {}},
            {"event": "user", "text": "hola", "parse_data": {"intent": {"name": "greet", "confidence": 1.0}}},
            {"event": "entities", "entities": [{"entity": "topic", "value": "causes"}]},
            {"event": "restart"},
        ],
        "responses": [{"text": "one"}, {"text": "two", "buttons": []}],
    },
    {"events": [], "responses": []},
    {},
]
INVALID = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [{"text": "x"}, "not an object"]},
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"event": "slot", "name": "language"}]},
    {"events": [{"event": "slot", "name": "language", "value": "es", "timestamp": "noon"}]},
    {"events": [{"event": "user", "parse_data": {"intent": {"name": 5}}}]},
    {"events": [{"event": "entities", "entities": [{"entity": "topic"}]}]},
    {"events": [{"name": "language", "value": "es"}]},
    {"events": [{"event": ["slot"], "name": "language", "value": "es"}]},
    {"events": ["slot"]},
    {"events": [{"event": "action", "name": 7}]},
    "not an object",
]


@pytest.fixture
def checks():
    rasa_own = RemoteAction._validate_action_result
    validate_action_replies_with_one_validator()
    yield rasa_own, RemoteAction("action_answer_question", None)
    RemoteAction._validate_action_result = rasa_own


@pytest.mark.parametrize("reply", VALID)
def test_valid_replies_pass_as_with_rasa(checks, reply):
    rasa_own, action = checks
    assert rasa_own(action, reply) is True
    assert action._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_invalid_replies_fail_with_rasa_s_message(checks, reply):
    rasa_own, action = checks
    with pytest.raises(ValidationError) as by_rasa:
        rasa_own(action, reply)
    with pytest.raises(ValidationError) as by_ours:
        action._validate_action_result(reply)
    assert by_ours.value.message == by_rasa.value.message


@pytest.mark.parametrize("reply", VALID + INVALID)
def test_the_event_by_event_check_agrees_with_the_whole_schema(reply):
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    assert event_by_event_check(schema, validator_class)(reply) is validator_class(schema).is_valid(reply)
