"""When the assistant is unsure what was asked: a two-stage fallback that never goes silent.

1. Answer what the patient named, if the knowledge file knows it; otherwise "Did you mean ...?"
   with buttons for the classifier's top intents and "Something else" (or, with no guesses to
   offer, a first request to rephrase).
2. If that fails too: ask to rephrase, with an example.
3. After that: the topics menu and a pointer to a health care professional.
During the self-check (an active form) it is Rasa's core fallback for a message the form could not
take: it says so and the form asks its question again.
Messages the classifier could not read at all (empty, emoji only, too long, another language) get
a reply that says why.
"""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts, prompts_es
from actions.answer_actions import (
    LAST_TOPIC_SLOT,
    answer_named_items,
    answer_question,
    asked_about,
    asked_first,
    compose_reply,
    knowledge_store,
)
from actions.context_actions import say_out_of_scope
from actions.questions import QUESTION_TYPES, named_entries
from si_joint.conversation_language import REPLY_LANGUAGE, asked_for_language
from si_joint.conversation_report import NOT_COVERED
from si_joint.input_checks import OTHER_LANGUAGE, SPANISH, likely_language
from si_joint.message_limits import MAX_ANSWERED_CHARS
from si_joint.message_reading import ASKS_LANGUAGES, Reading, read_message
from si_joint.parse_data import INPUT_PROBLEM, OUT_OF_SCOPE_INTENT, message_text
from si_joint.site_settings import emergency_settings, served_languages
from si_joint.vocabulary import vocabulary

FALLBACK_INTENTS = {"nlu_fallback", "none_of_these"}
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.1
RANKED_CONTENDERS = 4  # a question type the words name is answered when one of these agrees
SHORT_QUESTION_WORDS = 15  # "hey what are the symptoms of SI joint trouble" asks without a "?"
NAMED_SHORT_QUESTION_WORDS = 8


# Events that begin a new conversation: fallbacks before them do not count.
CONVERSATION_STARTS = {"session_started", "restart"}


def failed_attempts(tracker: Tracker) -> int:
    """How many times in a row the fallback already answered before the latest message, in this
    conversation (a new session or a restart starts the count again)."""
    count, seen_latest_message = 0, False
    for event in reversed(tracker.events):
        if event.get("event") in CONVERSATION_STARTS:
            break
        if event.get("event") == "user":
            if seen_latest_message and (
                event.get("parse_data", {}).get("intent", {}).get("name") not in FALLBACK_INTENTS
            ):
                break
            seen_latest_message = True
        elif seen_latest_message and event.get("event") == "action" and event.get("name") == "action_fallback":
            count += 1
    return count


def suggestions(tracker: Tracker) -> List[Dict[str, str]]:
    buttons, seen = [], set()
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        suggestion = prompts.DID_YOU_MEAN.get(ranked.get("name"))
        if not suggestion or ranked.get("confidence", 0) < MIN_SUGGESTION_CONFIDENCE or suggestion in seen:
            continue
        seen.add(suggestion)
        intent, title = suggestion
        buttons.append({"title": title, "payload": f"/{intent}"})
        if len(buttons) == MAX_SUGGESTIONS:
            break
    return buttons


STORY_ORDER = ("symptom", "cause", "diagnostic_method", "treatment")
# Words of a story long enough to be about their case even without a question about it.
STORY_WORDS = 25


def _reads_as_their_case(tracker: Tracker, named) -> bool:
    """An unclear message worth the composed reply: a question about their case, an aspect,
    something the page names, a real story, or a short one about a body area the page's symptoms
    name ("me duele la nalga izquierda desde hace un año"); otherwise the menu of guesses helps more."""
    reading = read_message(message_text(tracker.latest_message))
    short_story = reading.own_case and (reading.page_area or reading.on_subject)
    return bool(named or reading.case_question or reading.aspects or reading.words > STORY_WORDS or short_story)


def _asks_about_what_it_names(tracker: Tracker) -> bool:
    """The question itself names what the knowledge file knows ("can si joint cause pain in the
    lower back and hip at the same time"): that answer is what was asked, without "I'm not sure"."""
    return read_message(message_text(tracker.latest_message)).asks and bool(asked_about(tracker))


def _story_order(entry) -> int:
    return STORY_ORDER.index(entry.entity) if entry.entity in STORY_ORDER else len(STORY_ORDER)


def _question_type_named(tracker: Tracker) -> Optional[str]:
    """The one kind of question the message's words name ("what are the symptoms ..."), when the
    classifier's ranking agrees on its topic: answered rather than offered in a menu."""
    reading = read_message(message_text(tracker.latest_message))
    named = reading.question_types
    if len(named) != 1 or not (reading.asks or reading.words <= SHORT_QUESTION_WORDS):
        return None
    topic = QUESTION_TYPES[named[0]].topic
    ranking = (tracker.latest_message.get("intent_ranking") or [])[:RANKED_CONTENDERS]
    agrees = any(
        r.get("name") in QUESTION_TYPES
        and QUESTION_TYPES[r["name"]].topic == topic
        and (r.get("confidence") or 0) >= MIN_SUGGESTION_CONFIDENCE
        for r in ranking
    )
    # "¿y qué estudios le harían?": a short question that names its kind needs no agreement.
    return named[0] if agrees or (reading.asks and reading.words <= NAMED_SHORT_QUESTION_WORDS) else None


def _guessed_out_of_scope(tracker: Tracker, reading: Reading) -> bool:
    """A question about nothing of the page's that the classifier puts out of scope: its best guess,
    or its second when the words name nothing of the SI joint or its questions ("my wisdom tooth
    hurts, what do I take?" is a request for advice too)."""
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or [] if r.get("name") not in FALLBACK_INTENTS]
    guesses = [r.get("name") for r in ranking[:2]]
    about_the_page = reading.on_subject or reading.page_area or reading.aspects or reading.question_types
    if not reading.asks or about_the_page or OUT_OF_SCOPE_INTENT not in guesses:
        return False
    words = vocabulary()
    elsewhere = words.names_another_condition_only(reading.question) or words.names_nothing_of_the_topic(
        reading.question
    )
    return guesses[0] == OUT_OF_SCOPE_INTENT or elsewhere


def languages_served() -> str:
    """ "I answer in English and Spanish (español).", from the languages the site serves."""
    names = [prompts.LANGUAGE_NAMES[code] for code in served_languages() if code in prompts.LANGUAGE_NAMES]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {prompts.LANGUAGE_LIST_AND} {names[-1]}"
    return prompts.LANGUAGES_SERVED.format(languages=listed)


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        loop = (tracker.active_loop or {}).get("name")
        if loop:
            # A message the form could not take and no rule handles: say so, then the form asks
            # its question again and the turn ends (without this, Rasa predicts this action over
            # and over until its action limit, and the conversation goes silent for good).
            dispatcher.utter_message(text=prompts.SELF_CHECK_NOT_UNDERSTOOD)
            return [FollowupAction(loop)]
        # "en español por favor": acknowledged in a served language; otherwise the notice below says so.
        if asked_for_language(message_text(tracker.latest_message)) in served_languages():
            dispatcher.utter_message(text=prompts.LANGUAGE_SWITCHED)
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        if read_message(message_text(tracker.latest_message)).small_talk == ASKS_LANGUAGES:
            dispatcher.utter_message(text=languages_served())
            return []
        problem = tracker.latest_message.get(INPUT_PROBLEM)
        if problem:
            # Spanish, when it is not served (`languages`), is told so in Spanish.
            spanish_unserved = problem["kind"] == SPANISH
            settings = emergency_settings(language="es" if spanish_unserved else REPLY_LANGUAGE.get())
            wording, kind = (prompts_es, OTHER_LANGUAGE) if spanish_unserved else (prompts, problem["kind"])
            said = wording.INPUT_PROBLEMS[kind]
            text = said.format(length=problem.get("length", 0), limit=MAX_ANSWERED_CHARS, **settings)
            language = likely_language(message_text(tracker.latest_message))
            if problem["kind"] == OTHER_LANGUAGE and language in prompts.EMERGENCY_LINE_IN:
                text = f"{prompts.EMERGENCY_LINE_IN[language].format(**settings)} {text}"
            dispatcher.utter_message(text=text)
            return []
        entities = tracker.latest_message.get("entities") or []
        # Without a question type, a story names things in passing: what they feel first.
        named = asked_first(tracker, sorted(named_entries(knowledge_store.current(), entities), key=_story_order))
        if _reads_as_their_case(tracker, named) and compose_reply(dispatcher, tracker, named[:1]):
            return [SlotSet(LAST_TOPIC_SLOT, named[0].id)] if named else []
        if named:
            if not _asks_about_what_it_names(tracker):
                dispatcher.utter_message(text=prompts.UNSURE_BUT_NAMED)
            return answer_named_items(dispatcher, tracker)
        attempts = failed_attempts(tracker)
        asked = _question_type_named(tracker)
        if attempts == 0 and asked:
            return answer_question(dispatcher, tracker, asked)
        buttons = suggestions(tracker) if tracker.get_intent_of_latest_message() != "none_of_these" else []
        reading = read_message(message_text(tracker.latest_message))
        if attempts == 0 and not buttons and _guessed_out_of_scope(tracker, reading):
            # "me das la receta del pozole?": said plainly, not "I didn't understand".
            return say_out_of_scope(dispatcher, tracker, domain)
        if attempts == 0 and reading.on_subject and reading.asks:
            # A question about the SI joint that matches nothing: likely one the page doesn't answer.
            dispatcher.utter_message(text=prompts.MAY_NOT_BE_ON_PAGE, **{NOT_COVERED: True})
            if buttons:
                buttons.append({"title": prompts.SOMETHING_ELSE, "payload": "/none_of_these"})
                dispatcher.utter_message(text=prompts.OR_DID_YOU_MEAN, buttons=buttons)
            else:
                dispatcher.utter_message(response="utter_ask_topic")
        elif attempts == 0 and buttons:
            buttons.append({"title": prompts.SOMETHING_ELSE, "payload": "/none_of_these"})
            dispatcher.utter_message(text=prompts.DID_YOU_MEAN_QUESTION, buttons=buttons)
        elif attempts == 0:
            # The first unclear message of a conversation: not "still".
            dispatcher.utter_message(text=prompts.ASK_REPHRASE_FIRST)
        elif attempts <= 1:
            dispatcher.utter_message(text=prompts.ASK_REPHRASE)
        else:
            dispatcher.utter_message(text=prompts.GIVE_UP)
            dispatcher.utter_message(response="utter_ask_topic")
        return []
