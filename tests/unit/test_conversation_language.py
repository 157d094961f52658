"""Which language a conversation is in (si_joint/conversation_language.py) and what a Spanish
message meets when Spanish is served or not (si_joint/input_checks.py)."""

import pytest

from si_joint.conversation_language import asked_for_language, next_language
from si_joint.input_checks import OTHER_LANGUAGE, SPANISH, input_problem
from si_joint.parse_data import LANGUAGE

SERVED = ("en", "es")


def user(text, language=None):
    return {"event": "user", "text": text, "parse_data": {"text": text, LANGUAGE: language}}


@pytest.mark.parametrize(
    "message, current, expected",
    [
        (user("que causa el dolor", "es"), None, "es"),
        (user("ok"), "es", "es"),  # a short message keeps the language
        (user("gracias"), "es", "es"),
        (user("what causes it", "en"), "es", "en"),
        (user("in English please"), "es", "en"),
        (user("en español por favor"), "en", "es"),
        (user("en castellano por favor, que no me entero"), "en", "es"),
        (user("2"), None, "en"),  # nothing tells, at a session's start: English
        (user("bonjour", "fr"), None, "en"),  # a language not served
        (user("bonjour", "fr"), "es", "es"),
    ],
)
def test_the_conversation_language_follows_the_latest_message_that_tells_one(message, current, expected):
    assert next_language(message["parse_data"], current, SERVED) == expected


def test_only_spanish_when_spanish_is_served():
    assert next_language(user("que causa", "es")["parse_data"], None, ("en",)) == "en"
    assert next_language(user("ok")["parse_data"], "es", ("en",)) == "en"  # Spanish switched off
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


def test_the_page_language_holds_until_a_message_tells_one():
    page = {"page_language": "es"}
    assert next_language({"text": "/greet"}, None, SERVED, page) == "es"
    assert next_language(user("what causes it", "en")["parse_data"], None, SERVED, page) == "en"
    assert next_language({"text": "ok"}, "en", SERVED, page) == "en"  # the conversation's language wins
    assert next_language({"text": "/greet"}, None, ("en",), page) == "en"
    assert next_language({"text": "/greet"}, None, SERVED, {"page_language": "fr"}) == "en"


def test_a_spanish_page_starts_the_conversation_with_the_spanish_disclaimer(make_tracker, dispatcher, domain):
    from actions.session_actions import ActionSessionStart
    from si_joint.conversation_language import REPLY_LANGUAGE, response_text
    from tests.unit.test_actions import run

    token = REPLY_LANGUAGE.set("es")
    try:
        events, messages = run(ActionSessionStart(), dispatcher, make_tracker("greet"), domain)
    finally:
        REPLY_LANGUAGE.reset(token)
    assert [m["text"] for m in messages] == [response_text(domain["responses"], "utter_disclaimer", "es")]
    assert {"event": "slot", "name": "language", "value": "es", "timestamp": None} in events


@pytest.mark.parametrize("text", ["el link?", "link?", "mandame el email"])
def test_the_web_s_words_tell_no_language(text):
    from si_joint.language_words import language_tables, written_in

    assert written_in(text, language_tables(["es"])) in (None, "es")


@pytest.mark.parametrize(
    "text, language",
    [
        ("<p>Causes of SI pain?</p>", "en"),  # "p" and "causes" are Spanish words too
        ("what can he do about it?", "en"),  # "he" is Spanish for "I have"; "what", "it" in no lemma table
        ("how long does it last", "en"),
        ("que causa el dolor", "es"),
        ("a mi me duele", "es"),
        ("tengo numbness en el groin area y en los inner thighs desde el weekend", "es"),
        ("ok", None),
        ("r u a bot", None),  # "a" is a word of both
    ],
)
def test_function_words_tell_the_language_the_lemma_tables_leave_out(text, language):
    from si_joint.language_words import language_tables, written_in

    assert written_in(text, language_tables(["es"])) == language


def test_a_response_variation_is_the_one_whose_every_condition_holds():
    from si_joint.conversation_language import response_variation

    responses = {
        "utter_x": [
            {
                "condition": [{"type": "slot", "name": "kind", "value": "a"}, {"name": "language", "value": "es"}],
                "text": "a es",
            },
            {"text": "default"},
            {"condition": [{"type": "slot", "name": "kind", "value": "a"}], "text": "a"},
        ]
    }
    assert response_variation(responses, "utter_x", {"kind": "a", "language": "es"})["text"] == "a es"
    assert response_variation(responses, "utter_x", {"kind": "a", "language": "en"})["text"] == "a"
    assert response_variation(responses, "utter_x", {"kind": "b", "language": "es"})["text"] == "default"
    assert response_variation(responses, "utter_missing", {}) is None
