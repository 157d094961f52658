"""Which language a conversation is in (si_joint/conversation_language.py) and what a Spanish
message meets when Spanish is served or not (si_joint/input_checks.py)."""

import pytest

from si_joint.conversation_language import asked_for_language, conversation_language
from si_joint.input_checks import OTHER_LANGUAGE, SPANISH, input_problem
from si_joint.parse_data import LANGUAGE

SERVED = ("en", "es")


def user(text, language=None):
    return {"event": "user", "text": text, "parse_data": {"text": text, LANGUAGE: language}}


@pytest.mark.parametrize(
    "latest, before, expected",
    [
        (user("que causa el dolor", "es"), [], "es"),
        (user("ok"), [user("que causa el dolor", "es")], "es"),  # a short message keeps the language
        (user("gracias"), [user("what causes it", "en"), user("y los sintomas", "es")], "es"),
        (user("in English please"), [user("que causa el dolor", "es")], "en"),
        (user("en español por favor"), [user("what causes it", "en")], "es"),
        (user("2"), [], "en"),  # nothing tells: English
        (user("ok"), [user("que causa", "es"), {"event": "session_started"}], "en"),  # a new session
        (user("bonjour", "fr"), [], "en"),  # a language not served
    ],
)
def test_the_conversation_language_follows_the_latest_message_that_tells_one(latest, before, expected):
    events = [*before, latest]
    assert conversation_language(latest["parse_data"], events, SERVED) == expected


def test_only_spanish_when_spanish_is_served():
    assert conversation_language(user("que causa", "es")["parse_data"], [], ("en",)) == "en"
    assert asked_for_language("can you answer in spanish? or in english?") is None


@pytest.mark.parametrize(
    "text, served, problem",
    [
        ("que causa el dolor de la articulacion sacroiliaca", ("en", "es"), None),
        ("que causa el dolor de la articulacion sacroiliaca", ("en",), SPANISH),
        ("pourquoi j ai mal a la hanche depuis une semaine", ("en", "es"), OTHER_LANGUAGE),
    ],
)
def test_spanish_is_an_input_problem_only_when_not_served(text, served, problem):
    assert input_problem(text, served) == problem
