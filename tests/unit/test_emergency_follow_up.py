"""Which replies to urgent advice get it again (policies/emergency_follow_up.py)."""

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from policies.emergency_follow_up import is_follow_up, mentions_a_sign


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


def test_a_question_right_after_the_advice_was_turned_down_is_a_follow_up():
    events = [
        ActionExecuted("action_emergency"),
        ActionExecuted("action_listen"),
        UserUttered("I don't want an ambulance, it's embarrassing", {"name": "deny"}),
        ActionExecuted("action_emergency"),
        BotUttered("This can't wait for more information from me. Please get medical help now"),
        ActionExecuted("action_listen"),
        UserUttered("what are the treatments for sacroiliac joint pain in general", {"name": "ask_treatments"}),
    ]
    assert is_follow_up(DialogueStateTracker.from_events("patient", events))


def test_a_new_general_question_is_answered_as_usual():
    assert not is_follow_up(
        after_advice("what are the treatments for sacroiliac joint pain in general", "ask_treatments")
    )


def after_a_mention(question: str, reply: str, intent: str, answer: str = "action_emergency") -> DialogueStateTracker:
    """`reply` right after the conditional line (or the list of warning signs, `answer`) for a sign
    `question` only named."""
    mentioned = {"intent": {"name": "ask_symptom_check"}, "mentioned_signs": [{"category": "cauda_equina"}]}
    events = [
        ActionExecuted("action_listen"),
        UserUttered(question, parse_data=mentioned),
        ActionExecuted(answer),
        ActionExecuted("action_listen"),
        UserUttered(reply, {"name": intent}),
    ]
    return DialogueStateTracker.from_events("patient", events)


def test_after_a_sign_that_was_only_named_the_next_message_is_no_follow_up():
    assert not is_follow_up(after_a_mention("what does saddle numbness mean? I don't have it", "ok", "affirm"))


@pytest.mark.parametrize(
    "reply",
    [
        "asking because it's happening to me right now",
        "well actually it sort of happened this morning",
        "en realidad eso me pasó anoche",
    ],
)
def test_saying_a_sign_only_named_is_happening_now_gets_the_advice(reply):
    question = "what does it mean if back pain comes with numbness in the groin?"
    assert is_follow_up(after_a_mention(question, reply, "nlu_fallback"))


def test_a_question_that_only_names_a_sign_is_answered_after_one_conditional_line():
    mentioned = {"intent": {"name": "ask_symptom_check"}, "mentioned_signs": [{"category": "cauda_equina"}]}
    asked = UserUttered("what does saddle numbness mean? I don't have it", parse_data=mentioned)
    tracker = DialogueStateTracker.from_events("patient", [ActionExecuted("action_listen"), asked])
    assert mentions_a_sign(tracker)
    answered = DialogueStateTracker.from_events("patient", [asked, ActionExecuted("action_emergency")])
    assert not mentions_a_sign(answered)


def test_saying_a_sign_is_happening_now_after_the_list_of_warning_signs_gets_the_advice():
    question = "if someone's legs both went weak, is that an emergency?"
    reply = "ok asking because it's happening to my mum right now"
    assert is_follow_up(after_a_mention(question, reply, "nlu_fallback", answer="action_red_flags"))
    assert not is_follow_up(after_a_mention(question, "thanks", "thanks", answer="action_red_flags"))
