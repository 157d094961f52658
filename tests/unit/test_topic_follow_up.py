"""Which short messages put out of scope are follow-ups about the last answer (policies/topic_follow_up.py)."""

from typing import List, Optional, Sequence

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from policies.topic_follow_up import is_topic_follow_up


def after(
    topic: Optional[str], text: str, intent: str = "out_of_scope", off_page: Sequence[str] = ()
) -> DialogueStateTracker:
    answer: List[Event] = [ActionExecuted("action_answer_question")] + ([SlotSet("last_topic", topic)] if topic else [])
    events = [
        ActionExecuted("action_listen"),
        UserUttered("what can they do besides surgery", {"name": "ask_treatments"}),
        *answer,
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent}, parse_data={"off_page_words": list(off_page)}),
    ]
    return DialogueStateTracker.from_events("patient", events)


@pytest.mark.parametrize(
    "text, off_page",
    [
        ("how many times a week", []),
        ("where do i buy one", []),
        ("just give me a ballpark then", ["ballpark"]),  # points back
        ("what would you do if you were me", []),
    ],
)
def test_a_short_message_right_after_an_answer_is_about_its_topic(text, off_page):
    assert is_topic_follow_up(after("physical_therapy", text, off_page=off_page))


@pytest.mark.parametrize(
    "topic, text, intent, off_page",
    [
        ("physical_therapy", "lol random but do u know any good pizza places in dayton", "out_of_scope", ["pizza"]),
        ("physical_therapy", "any good pizza places", "out_of_scope", ["pizza"]),
        ("physical_therapy", "how do i treat a sore throat", "out_of_scope", []),  # another condition
        (None, "how many times a week", "out_of_scope", []),  # no answer before it
        ("physical_therapy", "how many times a week", "ask_treatments", []),  # classified: answered as usual
        (
            "physical_therapy",
            "ok so my doctor keeps telling me one thing and the therapist another",
            "out_of_scope",
            [],
        ),
        # a request for something else entirely, even with "then" pointing back
        ("physical_therapy", "fine. tell me a joke then", "out_of_scope", []),
        ("physical_therapy", "can you book me the meeting room for 3pm", "out_of_scope", []),
        ("physical_therapy", "cuéntame un chiste entonces", "out_of_scope", []),
    ],
)
def test_another_subject_a_long_message_or_no_topic_is_not(topic, text, intent, off_page):
    assert not is_topic_follow_up(after(topic, text, intent, off_page))
