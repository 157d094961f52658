"""The self-check summary repeats the patient's own words: nothing in them may come back as
something a chat app (the web widget, WhatsApp, Telegram, an SMS app) could turn into a link."""

import pytest

from actions.self_check_actions import (
    ActionSelfCheckSummary,
    ValidateSelfCheckForm,
    looks_like_a_link,
    own_words,
    without_links,
)
from si_joint.knowledge import load_knowledge

SYMPTOMS = load_knowledge().self_check_symptoms()
PHISHING_ANSWER = (
    "sharp when walking, log in at https://evil.com/login or www.evil.com or evil.com/login "
    "or bit.ly/x and write to help@evil.com soon"
)
FORBIDDEN = ("http", "www.", "evil.com", "bit.ly", "@")


def summary_text(make_tracker, dispatcher, domain, answers):
    tracker = make_tracker("deny", slots={"self_check_answers": answers})
    ActionSelfCheckSummary().run(dispatcher, tracker, domain)
    return dispatcher.messages[0]["text"]


def test_the_summary_echoes_the_words_but_no_link(make_tracker, dispatcher, domain):
    answers = {s.id: "no" for s in SYMPTOMS}
    answers[SYMPTOMS[2].id] = PHISHING_ANSWER
    text = summary_text(make_tracker, dispatcher, domain, answers)
    assert all(forbidden not in text for forbidden in FORBIDDEN), text
    line = next(line for line in text.splitlines() if line.startswith(f"- {SYMPTOMS[2].title}: "))
    assert line == (
        f"- {SYMPTOMS[2].title}: \u201csharp when walking, log in at [link removed] or [link removed] or "
        "[link removed] or [link removed] and write to [link removed] soon\u201d"
    )


def test_a_link_is_removed_when_the_answer_is_recorded(make_tracker, dispatcher, domain):
    tracker = make_tracker("nlu_fallback", slots={"self_check_answers": {}})
    result = ValidateSelfCheckForm().validate_self_check_answer(PHISHING_ANSWER, dispatcher, tracker, domain)
    stored = result["self_check_answers"][SYMPTOMS[0].id]
    assert stored.startswith("sharp when walking, log in at [link removed]") and stored.endswith("soon")
    assert all(forbidden not in stored for forbidden in FORBIDDEN)


@pytest.mark.parametrize(
    "word",
    [
        "https://evil.com",
        "HTTP://EVIL.COM/x",
        "ftp://files.evil",
        "hxxps://evil",
        "mailto:me@evil.com",
        "javascript:void",
        "www.evil.org",
        "WWW.EVIL",
        "evil.com",
        "evil.com/login",
        "bit.ly/x",
        "sub.evil.co.uk",
        "me@evil.com",
        "@evil_bot",
        "192.168.0.1/login",
        "evil.xn--p1ai",
        "evil\uff0ecom",  # fullwidth full stop, which browsers read as a dot
        "evil\u3002com",  # ideographic full stop
        "evil\u200b.com",  # zero-width space
        "\uff45\uff56\uff49\uff4c.com",  # fullwidth letters
    ],
)
def test_anything_a_chat_app_could_link_is_recognised(word):
    assert looks_like_a_link(word)
    assert without_links(f"pain ({word}), mostly") == "pain ([link removed]), mostly"


@pytest.mark.parametrize(
    "answer",
    [
        "when I climb stairs",
        "only at night, e.g. after a long walk",
        "for 1.5 hours at 10:30 a.m.",
        "yes: sharp",
        "my data: none",
        "about 50% of the time",
        "3/10 pain!",
    ],
)
def test_ordinary_answers_are_kept_as_they_were(answer):
    assert own_words(answer) == answer


def test_an_answer_that_was_only_a_link_keeps_its_place():
    assert own_words("https://evil.com") == "[link removed]"
    assert own_words("<a href='https://evil.com'>click</a>") == "click"


@pytest.mark.parametrize("payload", ["/self_check_summary", "self_check_summary", '/start_self_check{"x": "y"}'])
def test_a_buttons_payload_is_never_an_answer_in_the_patients_own_words(payload):
    assert own_words(payload) is None
