"""Answers that depend on what the patient said before or named now: follow-ups about "that"
("which one is most common?", "will that make the pain go away?"), comparisons with other
conditions, questions the page does not cover, and messages outside the assistant's scope.

Every medical sentence still comes from the knowledge file; the wording around it (what the page
does not say, about which topic) is in actions/prompts.py.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts, replies
from actions.answer_actions import (
    LAST_TOPIC_SLOT,
    answer_plainly,
    asked_about,
    compose_reply,
    knowledge_store,
    latest_entities,
    message_reading,
    other_questions,
)
from actions.composed_replies import composed_messages
from actions.questions import QUESTION_TYPES, named_entries
from si_joint.conversation_language import ENGLISH, LANGUAGE_SLOT, REPLY_LANGUAGE, response_variation
from si_joint.conversation_report import NOT_COVERED
from si_joint.knowledge import Entry, KnowledgeBase
from si_joint.message_reading import read_message
from si_joint.parse_data import CONDITION_NOT_ON_PAGE, LIST_POSITION, NOT_COVERED_INTENT, message_text
from si_joint.reply_rules import MAX_BUTTONS
from si_joint.vocabulary import vocabulary

# The overview entry of each kind of item: "which one?" after a cause is about the causes.
GROUP_OF_ENTITY = {
    "cause": "causes",
    "symptom": "symptoms",
    "diagnostic_method": "diagnosis",
    "treatment": "treatments",
}
GROUP_WORDS = (
    (re.compile(r"\bcaus|\breason|\btrigger", re.I), "causes"),
    (re.compile(r"\bsymptom|\bsign|\bcomplaint", re.I), "symptoms"),
    (re.compile(r"\btreat|\btherap|\boption|\bremed|\bcure", re.I), "treatments"),
    (re.compile(r"\btest|\bdiagnos|\bscan|\bexam", re.I), "diagnosis"),
)
TREATMENT_TOPICS = {
    "treatments",
    "treatment_relief",
    "fusion_candidate",
    "implants",
    "fusion_surgery_type",
    "diagnostic_injection",
}

# "Will that make the pain go away?": the page says when non-surgical treatments are not enough.
RELIEF_ENTRY = "treatment_relief"
ASKS_ABOUT_RELIEF = re.compile(
    r"\b(work\w*|help\w*|go away|relie\w*|cure\w*|effective\w*|success\w*|better|fix\w*|"
    r"pain free|permanent\w*|for good|get rid|take the pain|stop the pain|last)\b",
    re.I,
)


def _is_treatment(entry: Entry) -> bool:
    return entry.entity == "treatment" or entry.id in TREATMENT_TOPICS


# Loaded when the action server starts: a broken vocabulary file stops it with the reason.
VOCABULARY = vocabulary()
OFF_TOPIC_SLOT = "off_topic"


# Out of scope: a question about health (another condition or body part, content/knowledge/vocabulary.yml)
# is pointed to a health care professional; anything else only hears what the assistant can help with.
def is_medical(text: str, entities) -> bool:
    return bool(entities) or bool(VOCABULARY.health_words.search(text or ""))


def _subject(knowledge: KnowledgeBase, tracker: Tracker) -> Optional[Entry]:
    """What "that" refers to: what the message names, else the last answer's topic."""
    named = named_entries(knowledge, latest_entities(tracker))
    if named:
        return named[0]
    last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
    return knowledge.entries.get(last_topic) if last_topic else None


def _group(knowledge: KnowledgeBase, tracker: Tracker) -> Optional[Entry]:
    """The list a "which one?" question is about: named in the message, or the last topic's."""
    text = message_text(tracker.latest_message)
    for pattern, group_id in GROUP_WORDS:
        if pattern.search(text):
            return knowledge.entry(group_id)
    subject = _subject(knowledge, tracker)
    if subject is None:
        return None
    if subject.entity:
        return knowledge.entry(GROUP_OF_ENTITY[subject.entity])
    if subject.id in GROUP_OF_ENTITY.values():
        return subject
    if subject.id in TREATMENT_TOPICS or subject.id == "si_joint_fusion":
        return knowledge.entry("treatments")
    return None


def _item_ids(knowledge: KnowledgeBase, group: Entry) -> List[str]:
    entity = next((e for e, g in GROUP_OF_ENTITY.items() if g == group.id), None)
    return [e.id for e in knowledge.entries_for_entity(entity)] if entity else list(group.related)


class ActionAnswerListItem(Action):
    """ "The second one", "and the third?": that item of the list the conversation is about."""

    def name(self) -> Text:
        return "action_answer_list_item"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        group = _group(knowledge, tracker)
        position = tracker.latest_message.get(LIST_POSITION)
        if group is None or not isinstance(position, int):
            dispatcher.utter_message(text=prompts.WHICH_LIST)
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        items = _item_ids(knowledge, group)
        if not items or position > len(items) or position == 0:
            dispatcher.utter_message(
                text=prompts.NO_SUCH_ITEM.format(group=replies.lower_first(group.title), count=len(items)),
                buttons=replies.buttons_for(knowledge, items, limit=MAX_BUTTONS),
            )
            return []
        entry = knowledge.entry(items[position - 1] if position > 0 else items[-1])
        dispatcher.utter_message(**replies.answer_message(knowledge, [entry]))
        return [SlotSet(LAST_TOPIC_SLOT, entry.id)]


class ActionAnswerMostCommon(Action):
    """ "Which one happens most?": the page lists causes, symptoms and treatments without ranking
    them, so say that about the list the patient means."""

    def name(self) -> Text:
        return "action_answer_most_common"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        group = _group(knowledge, tracker)
        if group is None:
            dispatcher.utter_message(
                text=prompts.NOT_RANKED_ANY,
                buttons=replies.buttons_for(knowledge, ["causes", "symptoms", "treatments"]),
            )
            return []
        dispatcher.utter_message(
            text=prompts.NOT_RANKED.format(group=group.title.lower()),
            buttons=replies.buttons_for(knowledge, _item_ids(knowledge, group)),
        )
        return [SlotSet(LAST_TOPIC_SLOT, group.id)]


class ActionAnswerComparison(Action):
    """ "Is SI joint pain the same as sciatica?": the page does not compare conditions, but says SI
    joint pain can feel like other low back pain and how the source is found."""

    def name(self) -> Text:
        return "action_answer_comparison"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        text = message_text(tracker.latest_message)
        # The vocabulary's names are English: a translation says "other conditions" in its words.
        condition = VOCABULARY.compared_with_name(text) if REPLY_LANGUAGE.get() == ENGLISH else None
        other = condition or prompts.OTHER_CONDITIONS
        comparison = knowledge.entry(QUESTION_TYPES["ask_comparison"].topic)
        message = replies.answer_message(knowledge, [comparison])
        # A symptom the page lists ("hip", "groin") is offered first, as a button.
        named = [e.id for e in named_entries(knowledge, latest_entities(tracker)) if e.entity == "symptom"][:1]
        buttons = replies.buttons_for(knowledge, named) + (message.get("buttons") or [])
        unique = {b["payload"]: b for b in reversed(buttons)}  # the first of each payload wins
        message["buttons"] = list(reversed(list(unique.values())))[:MAX_BUTTONS]
        message["text"] = prompts.COMPARISON_NOT_ON_PAGE.format(other=other) + " " + message["text"]
        dispatcher.utter_message(**message)
        return [SlotSet(LAST_TOPIC_SLOT, comparison.id)]


class ActionNotCovered(Action):
    """A question the page does not answer: say so about the topic in question (what the message
    names, or the last answer's topic), or in general when there is none. "Will that make the pain
    go away?" about a treatment also gets what the page does say about relief."""

    def name(self) -> Text:
        return "action_not_covered"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        if tracker.latest_message.get(CONDITION_NOT_ON_PAGE):
            return _condition_not_on_page(dispatcher, tracker, knowledge)
        subject = _subject(knowledge, tracker)
        text = message_text(tracker.latest_message)
        named = bool(named_entries(knowledge, latest_entities(tracker)))
        # About the last answer's topic: never that answer again; for relief, what the page says of it.
        page = (
            None
            if named
            else [knowledge.entry(RELIEF_ENTRY)]
            if subject and _is_treatment(subject) and ASKS_ABOUT_RELIEF.search(text)
            else []
        )
        if compose_reply(dispatcher, tracker, [subject] if subject else [], page):
            for other in other_questions(text, NOT_COVERED_INTENT):
                answer_plainly(dispatcher, other)
            return [SlotSet(LAST_TOPIC_SLOT, subject.id)] if subject else []
        if subject is None:
            dispatcher.utter_message(response="utter_not_covered")
            return []
        not_said = prompts.NOT_COVERED_ABOUT.format(title=replies.lower_first(subject.title))
        if _is_treatment(subject) and ASKS_ABOUT_RELIEF.search(text):
            relief = knowledge.entry(RELIEF_ENTRY)
            message = replies.answer_message(knowledge, [relief])
            message["text"] = f"{not_said} {message['text']}"
            dispatcher.utter_message(**message, **{NOT_COVERED: True})
            return [SlotSet(LAST_TOPIC_SLOT, subject.id)]
        dispatcher.utter_message(
            text=not_said,
            buttons=replies.buttons_for(knowledge, [subject.id, *subject.related]),
            **{NOT_COVERED: True},
        )
        return [SlotSet(LAST_TOPIC_SLOT, subject.id)]


def _condition_not_on_page(
    dispatcher: CollectingDispatcher, tracker: Tracker, knowledge: KnowledgeBase
) -> List[Dict[Text, Any]]:
    """ "What helps a bulging disc?": that the page is about the SI joint and doesn't cover it, who
    can answer, then what the page says of anything the question itself names ("your implant")."""
    asked = asked_about(tracker)
    entries = [e for e in named_entries(knowledge, latest_entities(tracker)) if e.id in asked]
    entries = entries[:1]
    messages = composed_messages(knowledge, message_reading(tracker), entries, page=entries)
    if not entries:
        messages[0]["buttons"] = replies.buttons_for(knowledge, ["si_joint", "symptoms", "treatments"])
    for message in messages:
        dispatcher.utter_message(**message)
    return [SlotSet(LAST_TOPIC_SLOT, entries[0].id)] if entries else []


class ActionClassifyOffTopic(Action):
    """Outside the SI joint: sets `off_topic`, which picks the variant of utter_out_of_scope. Another
    health problem is pointed to a health care professional; small talk and other subjects only
    hear what the assistant can help with."""

    def name(self) -> Text:
        return "action_classify_off_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet(OFF_TOPIC_SLOT, off_topic_kind(tracker))]


def off_topic_kind(tracker: Tracker) -> str:
    text = message_text(tracker.latest_message)
    if read_message(text).about_an_animal:
        return "animal"
    medical = is_medical(text, tracker.latest_message.get("entities") or [])
    return "medical" if medical else "general"


def say_out_of_scope(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> List[Dict[Text, Any]]:
    """utter_out_of_scope as the rule for the out_of_scope intent says it, from another action (the
    fallback): a response's conditions are read before this action's events apply."""
    kind = off_topic_kind(tracker)
    slots = {OFF_TOPIC_SLOT: kind, LANGUAGE_SLOT: REPLY_LANGUAGE.get()}
    variation = response_variation(domain.get("responses") or {}, "utter_out_of_scope", slots) or {}
    dispatcher.utter_message(text=variation.get("text"), buttons=list(variation.get("buttons") or []))
    return [SlotSet(OFF_TOPIC_SLOT, kind)]
