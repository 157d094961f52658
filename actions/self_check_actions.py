"""The symptom self-check: the page's symptoms one at a time, then a summary for the appointment.

One slot, `self_check_answer`, takes each answer (yes / no / not sure from buttons or intents, or the
patient's own words); the validation action files it under the symptom being asked in
`self_check_answers` and clears it until every symptom has an answer. The symptoms and their
questions come from the knowledge file, so the form follows it. Answers are health information:
they are cleared when the summary is shown, the check is stopped, or an emergency interrupts it.

The summary repeats the patient's own words, and in a shared session or a messaging app (WhatsApp,
Telegram and SMS apps make links of bare domains, e-mail addresses and @names) that could carry a
phishing link in the assistant's voice: anything a chat app could make a link is shown as
"[link removed]".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import prompts
from actions.answer_actions import knowledge_store
from si_joint.parse_data import INPUT_PROBLEM

ANSWER_SLOT = "self_check_answer"
ANSWERS_SLOT = "self_check_answers"
COMPLETE = "complete"
MAX_OWN_WORDS = 200
LINK_REMOVED = "[link removed]"
# Tested on each whitespace-separated word, after NFKC (fullwidth letters and dots become plain
# ones) and with invisible format characters taken out: a scheme ("https://", "mailto:"), "www.",
# an e-mail address or @name, a dotted IPv4 address, or a dot between a letter or digit and two
# letters ("evil.com/login", "bit.ly/x": a domain name).
LINK_LIKE = re.compile(
    r"""[a-z][a-z0-9+.-]*:/
      | \b(?:mailto|tel|sms|smsto|callto|javascript|data|file|tg|whatsapp|intent|market|skype):
      | www\d{0,3}\.
      | @[^\W_]
      | \d{1,3}(?:\.\d{1,3}){3}
      | [^\W_][.\u3002\uff61][^\W\d_]{2}""",
    re.IGNORECASE | re.VERBOSE,
)
OPENING = "([{<\"'\u2018\u201c\u00ab"
CLOSING = ".,;:!?)]}>\"'\u2019\u201d\u00bb"
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


def looks_like_a_link(word: str) -> bool:
    """True for a word a chat app could turn into a link (see LINK_LIKE)."""
    visible = "".join(c for c in word if unicodedata.category(c) != "Cf")
    return bool(LINK_LIKE.search(unicodedata.normalize("NFKC", visible)))


def without_links(text: str) -> str:
    """`text` with each word that could become a link replaced by "[link removed]" (brackets and
    punctuation around it kept), the other words as they were."""
    words = []
    for word in text.split():
        core = word.lstrip(OPENING)
        before = word[: len(word) - len(core)]
        trimmed = core.rstrip(CLOSING)
        after = core[len(trimmed) :]
        words.append(before + LINK_REMOVED + after if looks_like_a_link(trimmed) else word)
    return " ".join(words)


# A button's payload ("/self_check_summary"), which may reach the form without its "/".
_PAYLOAD = re.compile(r"/\w+.*|[a-z]+(_[a-z]+)+", re.IGNORECASE)


def own_words(text: str) -> Optional[str]:
    """The patient's answer as plain text: markup removed, anything that could become a link
    removed (without_links), whitespace collapsed, length capped."""
    text = without_links(" ".join(re.sub(r"<[^>]*>", " ", text or "").split()))
    if not re.search(r"[^\W_]", text) or _PAYLOAD.fullmatch(text):
        return None  # "/self_check_summary" is a button's payload, never the patient's words
    return text if len(text) <= MAX_OWN_WORDS else text[: MAX_OWN_WORDS - 1].rstrip() + "…"


class ActionAskSelfCheckAnswer(Action):
    """Asks about the next symptom that has no answer yet (the form's question for its one slot)."""

    def name(self) -> Text:
        return "action_ask_self_check_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
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
        if answer is None and not tracker.latest_message.get(INPUT_PROBLEM):
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

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        answers = recorded_answers(tracker)
        lines = [prompts.SELF_CHECK_SUMMARY_HEAD]
        for symptom in knowledge_store.current().self_check_symptoms():
            if symptom.id in answers:
                answer = answers[symptom.id]
                label = prompts.SELF_CHECK_ANSWER_LABELS.get(answer)
                if label is None:  # the patient's own words, cleaned again however they were stored
                    words = own_words(str(answer))
                    label = f"\u201c{words}\u201d" if words else None
                if label:
                    lines.append(f"- {symptom.title}: {label}")
        lines.append(prompts.SELF_CHECK_SUMMARY_TAIL)
        dispatcher.utter_message(text="\n".join(lines))
        return clear_self_check()


class ActionStopSelfCheck(Action):
    def name(self) -> Text:
        return "action_stop_self_check"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=prompts.SELF_CHECK_STOPPED)
        return clear_self_check()
