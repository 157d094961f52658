"""Which replies to urgent advice get it again (policies/emergency_follow_up.py)."""

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from policies.emergency_follow_up import is_follow_up


def after_advice(text: str, intent: str) -> DialogueStateTracker:
    events = [ActionExecuted("action_emergency"), ActionExecuted("action_listen"), UserUttered(text, {"name": intent})]
    return DialogueStateTracker.from_events("patient", events)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("is it because of my si joint though, or something else going on", "ask_cause_check"),
        ("do i go back to the same ER or to my GP this time", "ask_treatments"),
        ("sorry bad wording, not numb, more of an ache in the groin, bladder normal", "ask_symptom_check"),
        ("ok", "affirm"),
        ("its the weekend tho, the pain clinic is closed", "ask_diagnosis"),  # asks nothing: a reply
        ("should i go to the er or urgent care for this", "ask_red_flags"),
    ],
)
def test_a_question_about_their_case_or_help_right_after_the_advice_is_a_follow_up(text, intent):
    assert is_follow_up(after_advice(text, intent))


def test_a_new_general_question_is_answered_as_usual():
    assert not is_follow_up(
        after_advice("what are the treatments for sacroiliac joint pain in general", "ask_treatments")
    )
