"""The reply rules (si_joint/reply_rules.py): what they must flag and what they must let through."""

import pytest

from si_joint.knowledge import load_knowledge
from si_joint.reply_rules import (
    MAX_BUTTONS,
    MAX_MESSAGE_CHARS,
    MAX_TURN_CHARS,
    is_disclaimer,
    makes_the_point_of,
    near_identical,
    turn_violations,
)

KNOWLEDGE = load_knowledge()
DISCLAIMER = (
    "I'm the SI joint assistant, an automated educational assistant: I share general information, not "
    "medical advice. In an emergency, call your local emergency number."
)


def buttons(*titles):
    return [{"title": t, "payload": "/" + t.lower().replace(" ", "_")} for t in titles]


def test_an_ordinary_answer_keeps_every_rule():
    entry = KNOWLEDGE.entry("diagnosis")
    offered = buttons("Diagnostic injection", "Imaging tests", "Treatment options")
    messages = [{"text": DISCLAIMER}, {"text": entry.answer + "\n\nSource: the page.", "buttons": offered}]
    assert turn_violations(messages) == []


@pytest.mark.parametrize("entry_id", sorted(KNOWLEDGE.entries))
def test_no_knowledge_answer_alone_is_flagged(entry_id):
    entry = KNOWLEDGE.entry(entry_id)
    for text in filter(None, (entry.answer, entry.details)):
        assert turn_violations([{"text": text}]) == []


def test_a_message_over_the_limit_is_flagged():
    (problem,) = turn_violations([{"text": "word " * (MAX_MESSAGE_CHARS // 5 + 1)}])
    assert f"at most {MAX_MESSAGE_CHARS}" in problem


def test_a_turn_over_the_limit_is_flagged_but_the_disclaimer_does_not_count():
    def text(prefix, length):
        words = " ".join(f"{prefix}{n}" for n in range(length))  # no two sentences alike
        return words[:length]

    fitting = [{"text": text("a", 500)}, {"text": text("b", MAX_TURN_CHARS - 500)}]
    assert turn_violations([{"text": DISCLAIMER}, *fitting]) == []
    over = [{"text": text("a", 500)}, {"text": text("b", MAX_TURN_CHARS - 499)}]
    (problem,) = turn_violations(over)
    assert f"at most {MAX_TURN_CHARS}" in problem


def test_the_disclaimer_is_recognised():
    assert is_disclaimer(DISCLAIMER)
    assert is_disclaimer(" ".join(DISCLAIMER.split()).replace(" not medical", "\nnot medical"))
    assert not is_disclaimer(KNOWLEDGE.entry("si_joint").answer)


def test_too_many_buttons_are_flagged():
    titles = [f"Topic {n}" for n in range(MAX_BUTTONS + 1)]
    assert turn_violations([{"text": "Pick one:", "buttons": buttons(*titles[:MAX_BUTTONS])}]) == []
    (problem,) = turn_violations([{"text": "Pick one:", "buttons": buttons(*titles)}])
    assert f"{MAX_BUTTONS + 1} buttons" in problem


def test_web_chat_quick_replies_count_as_buttons():
    quick = [{"content_type": "text", "title": f"T{n}", "payload": f"/p{n}"} for n in range(MAX_BUTTONS + 1)]
    assert turn_violations([{"text": "Pick one:", "quick_replies": quick}])


def test_duplicate_buttons_are_flagged_by_title_or_payload():
    same_title = [{"title": "Symptoms", "payload": "/ask_symptoms"}, {"title": "symptoms", "payload": "/other"}]
    same_payload = [{"title": "Symptoms", "payload": "/ask_symptoms"}, {"title": "Signs", "payload": "/ask_symptoms"}]
    assert any("two buttons titled" in p for p in turn_violations([{"text": "a", "buttons": same_title}]))
    assert any("two buttons with the payload" in p for p in turn_violations([{"text": "a", "buttons": same_payload}]))


def test_a_citation_line_is_not_a_stacked_sentence():
    entry = KNOWLEDGE.entry("source_of_figure")
    text = f"{entry.answer}\n\nSource: {KNOWLEDGE.citation(entry)}."
    assert turn_violations([{"text": text}]) == []


def test_et_al_does_not_end_a_sentence():
    from si_joint.reply_rules import sentences

    assert len(sentences("The figure is from Weksler et al. Archives of Orthopaedic Surgery, 2007.")) == 1


STACKED = [
    # The task's example: the same sentence with different item names.
    (
        "Physical therapy is one of the treatment options for SI joint pain listed on the page.",
        "Injection therapy is one of the treatment options for SI joint pain listed on the page.",
    ),
    # Item names of different lengths.
    (
        "A motor vehicle accident is one of the causes of SI joint pain named on the page.",
        "Cumulative injury, meaning strain that builds up over time rather than one single event, is one "
        "of the causes of SI joint pain named on the page.",
    ),
    (
        "Hip or groin pain is one of the symptoms of SI joint pain listed on the page.",
        "Disturbed sleep patterns are one of the symptoms of SI joint pain listed on the page.",
    ),
    # A sentence said twice.
    (
        "If this is an emergency, call 911 now and do not wait.",
        "If this is an emergency, call 911 now and do not wait.",
    ),
    # Nearly the same words.
    (
        "A health care professional can tell you more about your own situation.",
        "A health care professional can tell you more about your situation.",
    ),
]

NOT_STACKED = [
    (
        "The sacroiliac (SI) joint sits between the sacrum and the ilium.",
        "Treatment options for SI joint pain may include oral medications and physical therapy.",
    ),
    (
        "Listening to your history and your complaints is one of the first steps.",
        "Imaging such as X-rays, CT scans and/or MRIs may be used as part of diagnosing SI joint pain.",
    ),
    # Shares a phrase, says something else.
    (
        "The page does not explain it further, so a health care professional is the best person to tell you.",
        "A health care professional is the right person to help.",
    ),
    (
        "Please get medical help now: call 911 or go to the nearest emergency department.",
        "I'm an automated assistant and can't assess symptoms, so please don't wait for an appointment.",
    ),
    # Short sentences are never compared.
    ("- Hip or groin pain: Yes", "- Hip or groin pain: No"),
    ("Question 1 of 8.", "Question 2 of 8."),
]


@pytest.mark.parametrize("first, second", STACKED)
def test_near_identical_sentences_are_flagged(first, second):
    assert near_identical(first, second)
    problems = turn_violations([{"text": first + " " + second}])
    assert any("near-identical" in p for p in problems)
    # Also when they come in separate messages of one turn.
    assert any("near-identical" in p for p in turn_violations([{"text": first}, {"text": second}]))


@pytest.mark.parametrize("first, second", NOT_STACKED)
def test_ordinary_sentences_are_not_flagged(first, second):
    assert not near_identical(first, second)
    assert turn_violations([{"text": first + "\n" + second}]) == []


def test_stacked_knowledge_answers_are_flagged():
    text = "\n\n".join(KNOWLEDGE.entry(e).answer for e in ("physical_therapy", "injection_therapy"))
    assert any("near-identical" in p for p in turn_violations([{"text": text}]))


def test_one_sentence_naming_several_items_is_fine():
    text = (
        "Physical therapy and injection therapy are among the treatment options for SI joint pain "
        "listed on the page. Would you like to read about one of them?"
    )
    assert turn_violations([{"text": text, "buttons": buttons("Physical therapy", "Injection therapy")}]) == []


# --- The answers actions/replies.py builds keep the rules ------------------------------------------


def test_several_named_items_are_not_stacked_and_the_rest_are_offered_as_buttons():
    from itertools import combinations

    from actions.replies import answer_message

    for kind in ("cause", "symptom", "diagnostic_method", "treatment"):
        items = KNOWLEDGE.entries_for_entity(kind)
        for named in [*combinations(items, 2), *combinations(items, 3)]:
            message = answer_message(KNOWLEDGE, list(named))
            assert turn_violations([message]) == [], [e.id for e in named]
            assert message["text"].startswith(named[0].answer)  # the knowledge text, unchanged
            payloads = [b["payload"] for b in message["buttons"]]
            for entry in named[1:]:
                assert entry.answer in message["text"] or any(f'"{entry.id}"' in p for p in payloads), entry.id


def test_stacked_template_answers_name_the_others_in_one_sentence():
    from actions.replies import answer_message

    named = [KNOWLEDGE.entry(e) for e in ("physical_therapy", "injection_therapy", "pelvic_belt")]
    message = answer_message(KNOWLEDGE, named)
    assert KNOWLEDGE.entry("injection_therapy").answer not in message["text"]
    assert "You also mentioned injection therapy and pelvic belt" in message["text"]
    assert [b["title"] for b in message["buttons"]][:2] == ["Injection therapy", "Pelvic belt"]


@pytest.mark.parametrize(
    "text, point, made",
    [
        (
            "Studies report up to 30%. SI joint pain can feel like pain from other sources in the low back, so "
            "working with a health care professional to find the exact source of your pain is key.",
            "SI joint pain can feel like other low back pain, so a health care professional needs to find the source.",
            True,
        ),
        (
            "Buttock pain is one of the symptoms. A health care professional can find the source of the pain.",
            "SI joint pain can feel like other low back pain, so a health care professional needs to find the source.",
            False,
        ),
    ],
)
def test_a_text_that_makes_a_sentence_s_point(text, point, made):
    assert makes_the_point_of(text, point) is made
