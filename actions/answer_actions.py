"""Custom actions that answer medical questions, every word of them from the knowledge file."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Dict, List, Optional, Set, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts, replies
from actions.composed_replies import asked_topic, composed_messages, lead_text, needs_composing, uncovered_aspects
from actions.questions import MAX_ENTRIES_PER_ANSWER, QUESTION_TYPES, Selection, named_entries, select_entries
from si_joint import site_settings
from si_joint.knowledge import Entry, KnowledgeBase, KnowledgeError, KnowledgeStore, shared_knowledge_store
from si_joint.message_reading import Reading, read_message, reading_rules, reading_text
from si_joint.parse_data import (
    CONDITION_NOT_ON_PAGE,
    EXCLUDED_ENTRIES,
    LAST_TOPIC_SLOT,
    OFF_PAGE_WORDS,
    message_text,
)
from si_joint.reply_rules import MAX_MESSAGE_CHARS

# "which study is the 30% figure from?" asks for the figure's citation whatever came before.
_ASKS_FOR_FIGURE = re.compile(r"\d|percent|figure|number|stat|study|studies|research|paper")


def _open_store() -> KnowledgeStore:
    try:
        return shared_knowledge_store()
    except KnowledgeError as error:
        # The action server must not start on a knowledge file it cannot trust.
        raise SystemExit(f"Refusing to start the action server: {error}") from None


knowledge_store = _open_store()


class ActionAnswerQuestion(Action):
    """Answers the latest question from the entries its intent and entities select."""

    def name(self) -> Text:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent not in QUESTION_TYPES:
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        events = answer_question(dispatcher, tracker, intent)
        for other in other_questions(message_text(tracker.latest_message), intent):
            events += answer_plainly(dispatcher, other)
        return events


MAX_OTHER_QUESTIONS = 2


def other_questions(text: str, intent: str) -> List[str]:
    """The other general questions a message asks in parts of their own ("where is the SI joint and
    what causes pain there?", "what causes it, how do they test it and is the fusion permanent?"),
    besides the classifier's; not for their own case, whose reply is composed once."""
    if read_message(text).own_case:
        return []
    asked = [q for q in reading_rules().separate_questions(text) if not QUESTION_TYPES[q].specific]
    if len(asked) < 2:
        return []
    topic = QUESTION_TYPES[intent].topic if intent in QUESTION_TYPES else None
    return [q for q in asked if QUESTION_TYPES[q].topic != topic][:MAX_OTHER_QUESTIONS]


def answer_plainly(dispatcher: CollectingDispatcher, intent: str) -> List[Dict[Text, Any]]:
    """The page's answer to a kind of question, without the lead the message's first answer had."""
    knowledge = knowledge_store.current()
    selection = select_entries(knowledge, intent, [])
    if not selection.entries:
        return []
    dispatcher.utter_message(**replies.answer_message(knowledge, selection.entries))
    return []


def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[Dict[Text, Any]]:
    """Answers the latest message as a question of this kind (an intent in QUESTION_TYPES), from
    the entries it and the message's entities select."""
    knowledge = knowledge_store.current()
    latest = tracker.latest_message
    excluded = bool(latest.get(EXCLUDED_ENTRIES))
    selection = select_entries(knowledge, intent, latest_entities(tracker), excluded=excluded)
    if selection.not_covered and overview_says_it(message_text(latest), selection.not_covered):
        # "can SI pain come on without any injury?": the overview's own words answer it.
        selection = Selection([selection.not_covered])
    if selection.not_covered and compose_reply(dispatcher, tracker, [], page=[selection.not_covered]):
        # Their own case, or an aspect, about something the page doesn't name: the overview.
        return [SlotSet(LAST_TOPIC_SLOT, selection.not_covered.id)]
    if selection.not_covered:
        topic = selection.not_covered
        dispatcher.utter_message(
            text=prompts.NOT_COVERED.format(
                topic=topic.title.lower(),
                covered=replies.covered_titles(knowledge, QUESTION_TYPES[intent].entity),
            ),
            buttons=replies.buttons_for(knowledge, [topic.id, *topic.related]),
        )
        return [SlotSet(LAST_TOPIC_SLOT, topic.id)]
    if compose_reply(dispatcher, tracker, selection.entries):
        return [SlotSet(LAST_TOPIC_SLOT, selection.entries[0].id)]
    if len(selection.entries) == 1 and _just_answered(tracker, selection.entries[0].id):
        # Asked again in other words ("how can I tell for sure?" right after the diagnosis answer):
        # the details; without details, the answer again, saying that it is all the page has
        # ("so basically one in three?" wants the figure confirmed).
        entry = selection.entries[0]
        if entry.details:
            return ActionTellMore().run(dispatcher, tracker, {})
        message = replies.answer_message(knowledge, [entry])
        lead = prompts.SAID_AGAIN.format(title=entry.title.lower())
        if len(lead) + 1 + len(message["text"]) <= MAX_MESSAGE_CHARS:
            message["text"] = f"{lead} {message['text']}"
        dispatcher.utter_message(**message)
        return []
    dispatcher.utter_message(**replies.answer_message(knowledge, selection.entries))
    # The first item is the one answered in full; the others may only be offered as buttons.
    return [SlotSet(LAST_TOPIC_SLOT, selection.entries[0].id)]


# Words every question of a kind shares with its overview: they say nothing about what it asks.
_SAID_BY_EVERY_QUESTION = frozenset({"cause", "joint", "sacro", "treat", "sympt", "diagn", "which", "named"})
WORD_START = 5  # letters that stand for a word: "injured" and "injury", "traumatic" and "trauma"


def overview_says_it(text: str, overview: Entry) -> bool:
    """Whether the question shares a word of its own with the overview's answer ("without any
    injury?" and "cumulative injury"), so the overview answers it."""

    def starts(words: str) -> Set[str]:
        return {w[:WORD_START] for w in re.findall(r"[a-z]+", words.lower()) if len(w) >= WORD_START}

    asked = starts(read_message(text).question) - _SAID_BY_EVERY_QUESTION
    return bool(asked & starts(overview.answer))


def compose_reply(
    dispatcher: CollectingDispatcher, tracker: Tracker, entries: List[Entry], page: Optional[List[Entry]] = None
) -> bool:
    """Answers a question about their own case, or about what the page doesn't say, as
    actions/composed_replies.py composes it (`page`: what to show of the page, by default the
    entries asked about); False (nothing said) for any other question."""
    reading = message_reading(tracker)
    if not needs_composing(reading, entries):
        return False
    for message in composed_messages(knowledge_store.current(), reading, entries, page):
        dispatcher.utter_message(**message)
    return True


def message_reading(tracker: Tracker) -> Reading:
    """The latest message as si_joint/message_reading.py reads it, with the words of its question
    that the page never uses (from the parse data)."""
    return replace(
        read_message(message_text(tracker.latest_message)),
        off_page_words=tuple(tracker.latest_message.get(OFF_PAGE_WORDS) or ()),
        condition_not_on_page=tracker.latest_message.get(CONDITION_NOT_ON_PAGE),
    )


# Actions whose answer sets last_topic; one of them right before the question means it was just said.
_ANSWER_ACTIONS = {"action_answer_question", "action_decline_personal_advice", "action_tell_more"}


def _just_answered(tracker: Tracker, entry_id: str) -> bool:
    """Whether the assistant's reply to the previous message was the answer about `entry_id`."""
    if tracker.get_slot(LAST_TOPIC_SLOT) != entry_id:
        return False
    actions = [e.get("name") for e in previous_reply(tracker) if e.get("event") == "action"]
    actions = [name for name in actions if name != "action_listen"]
    return bool(actions) and actions[-1] in _ANSWER_ACTIONS


def previous_reply(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The events between the previous user message and the latest one: the assistant's reply
    to the previous message (empty at the start of a conversation)."""
    events: List[Dict[Text, Any]] = []
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest:
                return list(reversed(events))
            seen_latest = True
        elif seen_latest:
            events.append(event)
    return []


class ActionAnswerSource(Action):
    """'Where is that from?': the source of the last answer, the study behind the figure, or all
    sources when there is no context."""

    def name(self) -> Text:
        return "action_answer_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
        if read_message(message_text(tracker.latest_message)).asks_link:
            dispatcher.utter_message(text=link_text(knowledge, knowledge.entries.get(last_topic or "")))
            return []
        if _ASKS_FOR_FIGURE.search(message_text(tracker.latest_message).lower()):
            return ActionAnswerQuestion().run(dispatcher, tracker, domain)
        if last_topic in knowledge.entries:
            entry = knowledge.entry(last_topic)
            dispatcher.utter_message(
                text=prompts.SOURCE_OF_ANSWER.format(title=entry.title.lower(), citation=knowledge.citation(entry)),
                buttons=replies.related_buttons(knowledge, [entry]),
            )
            return []
        citations = replies.spoken_list(list(knowledge.sources.values()), separator="; ")
        dispatcher.utter_message(text=prompts.ALL_SOURCES.format(citations=citations))
        return []


def link_text(knowledge: KnowledgeBase, entry: Optional[Entry]) -> str:
    """ "Link?": the web page of the last answer's topic, else the company's page, else honestly none."""
    url = (entry and entry.link and site_settings.link_url(entry.link)) or site_settings.link_url("page_url")
    if url:
        return prompts.LEARN_MORE.format(url=url)
    citation = knowledge.citation(entry) if entry else knowledge.sources["si_joint_page"]
    return prompts.NO_LINK.format(citation=citation)


class ActionTellMore(Action):
    """'Tell me more': the details of the last topic, or an honest 'that is all I have'."""

    def name(self) -> Text:
        return "action_tell_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
        if last_topic not in knowledge.entries:
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        entry = knowledge.entry(last_topic)
        if entry.details:
            dispatcher.utter_message(**replies.details_message(knowledge, entry))
        else:
            dispatcher.utter_message(
                text=prompts.NO_MORE_DETAILS.format(title=entry.title.lower()),
                buttons=replies.related_buttons(knowledge, [entry]),
            )
        return []


class ActionDeclinePersonalAdvice(Action):
    """A request for a diagnosis, a treatment choice, a medicine or a dose: declined, in one reply
    with what the page says about what they named; without anything named, the full refusal and
    what the assistant can do instead (utter_cannot_advise)."""

    def name(self) -> Text:
        return "action_decline_personal_advice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        entries = asked_first(tracker, named_entries(knowledge, tracker.latest_message.get("entities") or []))
        reading = message_reading(tracker)
        entries = entries[:MAX_ENTRIES_PER_ANSWER] or asked_topic(knowledge, reading)
        if "urgency" in reading.aspects:
            # "is this my SI joint? can it wait till my appointment?": when to get help, before all else.
            dispatcher.utter_message(text=lead_text(replace(reading, own_case=True), entries, None))
        elif not reading.medicines and (uncovered_aspects(reading, entries) or reading.off_page_words):
            # "should I use ice or heat?", "is it safe for me to get a second one?": what the page
            # doesn't say comes first, then who can answer, then what it does say. A medicine or a
            # dose, and a diagnosis, keep the plain refusal.
            for message in composed_messages(knowledge, replace(reading, own_case=True), entries):
                dispatcher.utter_message(**message)
            return [SlotSet(LAST_TOPIC_SLOT, entries[0].id)] if entries else []
        elif not entries:
            dispatcher.utter_message(response="utter_cannot_advise")
            return []
        else:
            dispatcher.utter_message(
                text=prompts.CANNOT_ADVISE if reading.medicines else prompts.CANNOT_ADVISE_TREATMENT
            )
        if not entries:
            return []
        dispatcher.utter_message(**replies.answer_message(knowledge, entries))
        return [SlotSet(LAST_TOPIC_SLOT, entries[0].id)]


def asked_about(tracker: Tracker) -> Set[str]:
    """The entries (ids) the latest message names in its question sentences, not in its story."""
    latest = tracker.latest_message
    question = read_message(message_text(latest)).question
    text = latest.get("text") or ""
    return {
        str(e.get("value"))
        for e in latest.get("entities") or []
        if "start" in e and "end" in e and reading_text(text[e["start"] : e["end"]]) in question
    }


def latest_entities(tracker: Tracker) -> List[Dict[Text, Any]]:
    """The latest message's entities, those its question sentences name first: "my dog got one of
    my pain pills ... can dogs get SI joint problems?" is not about pills."""
    asked = asked_about(tracker)
    return sorted(tracker.latest_message.get("entities") or [], key=lambda e: str(e.get("value")) not in asked)


def asked_first(tracker: Tracker, entries: List[Entry]) -> List[Entry]:
    """The entries the question names before those its story names: "I've tried medication and
    PT for a year. Am I a candidate for the fusion?" is about the fusion."""
    asked = asked_about(tracker)
    return sorted(entries, key=lambda entry: entry.id not in asked)


def answer_named_items(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    knowledge = knowledge_store.current()
    entries = named_entries(knowledge, latest_entities(tracker))
    if not entries:
        return []
    entries = entries[:MAX_ENTRIES_PER_ANSWER]
    dispatcher.utter_message(**replies.answer_message(knowledge, entries))
    return [SlotSet(LAST_TOPIC_SLOT, entries[0].id)]
