"""The symptom self-check: the page's symptoms one at a time, then a summary for the appointment.

One slot, `self_check_answer`, takes each answer (yes / no / not sure from buttons or intents, or the
patient's own words); the validation action files it under the symptom being asked in
`self_check_answers` and clears it until every symptom has an answer. The symptoms and their
questions come from the knowledge file, so the form follows it. Answers are health information:
they are cleared when the summary is shown, the check is stopped, or an emergency interrupts it.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import prompts
from actions.answer_actions import knowledge_store

ANSWER_SLOT = "self_check_answer"
ANSWERS_SLOT = "self_check_answers"
COMPLETE = "complete"
MAX_OWN_WORDS = 200
ANSWER_BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
    {"title": "Stop", "payload": "/stop"},
]


def clear_self_check() -> List[Dict[Text, Any]]:
    return [SlotSet(ANSWER_SLOT, None), SlotSet(ANSWERS_SLOT, None)]


def recorded_answers(tracker: Tracker) -> Dict[str, str]:
    answers = tracker.get_slot(ANSWERS_SLOT)
    return dict(answers) if isinstance(answers, dict) else {}


def next_symptom(answers: Dict[str, str]):
    return next((e for e in knowledge_store.current().self_check_symptoms() if e.id not in answers), None)


def own_words(text: str) -> Optional[str]:
    """The patient's answer as plain text: markup removed, whitespace collapsed, length capped."""
    text = " ".join(re.sub(r"<[^>]*>", " ", text or "").split())
    if not re.search(r"[^\W_]", text):
        return None
    return text if len(text) <= MAX_OWN_WORDS else text[: MAX_OWN_WORDS - 1].rstrip() + "…"


class ActionAskSelfCheckAnswer(Action):
    """Asks about the next symptom that has no answer yet (the form's question for its one slot)."""

    def name(self) -> Text:
        return "action_ask_self_check_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        answers = recorded_answers(tracker)
        symptoms = knowledge_store.current().self_check_symptoms()
        symptom = next_symptom(answers)
        if symptom is None:
            return []
        if not answers:
            dispatcher.utter_message(text=prompts.SELF_CHECK_INTRO.format(count=len(symptoms)))
        question = prompts.SELF_CHECK_QUESTION.format(
            number=len(answers) + 1, count=len(symptoms), question=symptom.self_check
        )
        dispatcher.utter_message(text=question, buttons=ANSWER_BUTTONS)
        return []


class ValidateSelfCheckForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_self_check_form"

    def validate_self_check_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        answers = recorded_answers(tracker)
        symptom = next_symptom(answers)
        answer = slot_value if slot_value in prompts.SELF_CHECK_ANSWER_LABELS else None
        if answer is None and not tracker.latest_message.get("input_problem"):
            answer = own_words(str(slot_value or ""))
        if symptom is None:
            return {ANSWER_SLOT: COMPLETE, ANSWERS_SLOT: answers}
        if answer is None:
            dispatcher.utter_message(text=prompts.SELF_CHECK_UNREADABLE)
            return {ANSWER_SLOT: None}
        answers[symptom.id] = answer
        done = next_symptom(answers) is None
        return {ANSWER_SLOT: COMPLETE if done else None, ANSWERS_SLOT: answers}


class ActionSelfCheckSummary(Action):
    """Lists what the patient reported, says only a professional can find the source, forgets it."""

    def name(self) -> Text:
        return "action_self_check_summary"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        answers = recorded_answers(tracker)
        lines = [prompts.SELF_CHECK_SUMMARY_HEAD]
        for symptom in knowledge_store.current().self_check_symptoms():
            if symptom.id in answers:
                answer = answers[symptom.id]
                label = prompts.SELF_CHECK_ANSWER_LABELS.get(answer, f"\u201c{answer}\u201d")
                lines.append(f"- {symptom.title}: {label}")
        lines.append(prompts.SELF_CHECK_SUMMARY_TAIL)
        dispatcher.utter_message(text="\n".join(lines))
        return clear_self_check()


class ActionStopSelfCheck(Action):
    def name(self) -> Text:
        return "action_stop_self_check"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=prompts.SELF_CHECK_STOPPED)
        return clear_self_check()
