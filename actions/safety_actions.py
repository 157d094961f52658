"""Urgent-care advice for a message that shows an emergency warning sign, always first.

The NLU safety screen (components/safety_screen.py) says how sure it is:
- `certain` (the reviewed phrase lists found a sign): urgent-care advice and nothing else;
- `possible` (the second tier's classifier): the advice for that kind of sign phrased "if you ...",
  then the answer to the question the message also asked, if any;
- a short reply right after urgent advice ("what do I do?", "ok"), which
  policies/emergency_follow_up.py sends here: the same advice again, shorter.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts_es
from actions.answer_actions import answer_question, compose_reply, knowledge_store, latest_entities, message_reading
from actions.composed_replies import WARNING_SAID, composed_messages
from actions.questions import QUESTION_TYPES, named_entries
from actions.self_check_actions import clear_self_check
from si_joint.conversation_language import REPLY_LANGUAGE
from si_joint.emergency_signs import EmergencySigns, EmergencySignsError, load_emergency_signs
from si_joint.message_reading import (
    Reading,
    advice_turned_down,
    quoted_words,
    read_message,
    reading_rules,
    reading_text,
)
from si_joint.parse_data import (
    CERTAINTY,
    EMERGENCY_INTENT,
    EMERGENCY_SIGNS,
    LANGUAGE,
    MENTIONED_SIGNS,
    POSSIBLE,
    QUESTION_INTENT,
    message_text,
)
from si_joint.site_settings import SettingsError, emergency_settings, served_languages
from si_joint.wording import Texts


def _load_or_refuse() -> EmergencySigns:
    try:
        emergency_settings()
        return load_emergency_signs()
    except (EmergencySignsError, SettingsError) as error:
        raise SystemExit(f"Refusing to start the action server: {error}") from None


emergency_signs = _load_or_refuse()
ENGLISH = "en"
# The advice is given in the language of the signs found, whatever the conversation's language.
WORDING = {ENGLISH: Texts(ENGLISH), "es": Texts("es")}


def emergency_language(found: List[Dict[str, Any]]) -> str:
    """The language of the signs that were found: the advice is given in it; without any (a sign
    asked about, then said to be happening), the conversation's. English when in doubt."""
    if not found:
        return _conversation_language()
    languages = {f.get("language") or ENGLISH for f in found}
    return next(iter(languages)) if len(languages) == 1 and languages <= set(WORDING) else ENGLISH


def _conversation_language() -> str:
    return REPLY_LANGUAGE.get() if REPLY_LANGUAGE.get() in WORDING else ENGLISH


def _wording(language: str) -> Texts:
    return WORDING.get(language, WORDING[ENGLISH])


def emergency_message(
    categories: List[str], signs: EmergencySigns = emergency_signs, language: str = ENGLISH, someone_else: bool = False
) -> str:
    """The reply to a message that shows signs of these categories; crisis support comes first, about
    the person written about too when the message names `someone_else`."""
    settings = emergency_settings(language=language)
    wording, described = _wording(language), signs.categories_in(language)
    known = [c for c in categories if c in described]
    if not known:  # the classifier, not the screen, recognised an emergency: cover every case
        return "\n\n".join(
            [
                wording.EMERGENCY_FIRST.format(advice=wording.EMERGENCY_UNSPECIFIED, **settings),
                wording.CRISIS_ANY.format(**settings),
                wording.EMERGENCY_LAST.format(**settings),
            ]
        )
    crisis = [c for c in known if described[c].crisis]
    others = [c for c in known if not described[c].crisis]
    parts = []
    for category in crisis:
        crisis_first = wording.CRISIS_FIRST_SOMEONE_ELSE if someone_else else wording.CRISIS_FIRST
        parts.append(crisis_first.format(advice=described[category].advice, **settings))
    if others:
        advice = " ".join(described[c].advice for c in others)
        urgent = wording.EMERGENCY_FIRST.format(advice=advice, **settings)
        # An overdose already taken needs the emergency number now, before the crisis line.
        parts.insert(0 if OVERDOSE_CATEGORY in others else len(parts), urgent)
    parts.append(wording.EMERGENCY_LAST.format(**settings))
    return "\n\n".join(parts)


def possible_emergency_message(category: str, signs: EmergencySigns = emergency_signs, language: str = ENGLISH) -> str:
    """Advice for a sign the second tier thinks possible: conditional, for that kind of sign."""
    settings = emergency_settings(language=language)
    wording = _wording(language)
    found = signs.categories_in(language).get(category)
    if found is None:
        return emergency_message([], signs, language)
    template = wording.POSSIBLE_CRISIS if found.crisis else wording.POSSIBLE_EMERGENCY
    return template.format(warning=found.warning, **settings)


def _stood_down_since_alarm(tracker: Tracker) -> bool:
    """Whether, since the latest urgent advice, the assistant stood the alarm down, acknowledged
    that help is coming, or answered a plan or a "just venting" with the crisis line still offered:
    the questions after that are just questions ("so should I get it checked?")."""
    openings = tuple(
        text[:25]
        for w in WORDING.values()
        for text in (
            w.STAND_DOWN,
            w.HELP_ON_THE_WAY,
            w.ALREADY_CHECKED,
            w.FIGURE_OF_SPEECH,
            w.CRISIS_STILL_HERE,
            w.CRISIS_FOR_NOW,
            w.CRISIS_PLAN,
            w.CRISIS_HELPING_SOMEONE,
        )
    )
    return any(text.startswith(openings) for text in _said_since_alarm(tracker))


def _help_coming_since_alarm(tracker: Tracker) -> bool:
    openings = tuple(w.HELP_ON_THE_WAY[:25] for w in WORDING.values())
    return any(text.startswith(openings) for text in _said_since_alarm(tracker))


def _said_since_alarm(tracker: Tracker) -> List[str]:
    """What the assistant said since the latest message the screen flagged, latest first."""
    said: List[str] = []
    for event in reversed(tracker.events):
        if (
            event.get("event") == "user"
            and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == EMERGENCY_INTENT
        ):
            break
        if event.get("event") == "bot":
            said.append(event.get("text") or "")
    return said


def _any_crisis(categories: List[str], signs: EmergencySigns = emergency_signs) -> bool:
    """Crisis support is never stood down by a few words: it is always offered again."""
    return any(signs.categories[c].crisis for c in categories if c in signs.categories)


def _warnings(categories: List[str], signs: EmergencySigns = emergency_signs, language: str = ENGLISH) -> str:
    described = signs.categories_in(language)
    known = [described[c].warning for c in categories if c in described]
    return ("; or " if language == ENGLISH else "; o ").join(known) or _wording(language).ANY_WARNING_SIGN


def help_on_the_way_message(language: str = ENGLISH) -> str:
    """Emergency help already called or reached: that is right; no "call now" again, and no list of
    signs the patient may never have had."""
    return _wording(language).HELP_ON_THE_WAY


def stand_down_message(categories: List[str], signs: EmergencySigns = emergency_signs, language: str = ENGLISH) -> str:
    """After "no, that was months ago": the alarm stands down to one conditional line."""
    return _wording(language).STAND_DOWN.format(
        warning=_warnings(categories, signs, language), **emergency_settings(language=language)
    )


def red_flags_messages(signs: EmergencySigns = emergency_signs) -> List[str]:
    """'When is back pain an emergency?': the reviewed warning signs, never the symptom list; the
    crisis line and the rest in a second message, so each fits a chat bubble."""
    language = _conversation_language()
    settings, wording = emergency_settings(language=language), _wording(language)
    categories = signs.categories_in(language).values()
    urgent = [c.warning for c in categories if not c.crisis]
    crisis = " ".join(wording.RED_FLAGS_CRISIS.format(warning=c.warning, **settings) for c in categories if c.crisis)
    return [
        wording.RED_FLAGS.format(warnings="; ".join(urgent), **settings),
        wording.RED_FLAGS_OTHERWISE.format(crisis=crisis).strip(),
    ]


def latest_emergency(tracker: Tracker, before_latest: bool = False) -> Optional[Dict[str, Any]]:
    """The parse data of the most recent message the screen flagged (`before_latest`: before the
    patient's latest message)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(users[:-1] if before_latest else users):
        parse_data = event.get("parse_data") or {}
        if (parse_data.get("intent") or {}).get("name") == EMERGENCY_INTENT:
            return parse_data
    return None


def _last_reply(tracker: Tracker) -> str:
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]
    return said[-1] if said else ""


def previous_message(tracker: Tracker) -> Dict[str, Any]:
    """The parse data of the patient's message before the latest ({} when there is none)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    return (users[-2].get("parse_data") or {}) if len(users) >= 2 else {}


class ActionEmergency(Action):
    """Urgent-care advice first, and stops anything in progress (the self-check)."""

    def name(self) -> Text:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message
        if (latest.get("intent") or {}).get("name") != EMERGENCY_INTENT:
            if latest.get(MENTIONED_SIGNS) and not latest_emergency(tracker):
                return self._mentioned(dispatcher, tracker)
            return self._repeat(dispatcher, tracker)
        found = _without_words_of_a_crisis_sign(latest.get(EMERGENCY_SIGNS) or [])
        categories = [f.get("category") for f in found]
        language = emergency_language(found)
        if found and LANGUAGE in latest and latest[LANGUAGE] is None:
            # The screen could not tell ("my leg just gave out esta mañana y no la puedo mover bien",
            # as much one language as the other): the conversation's.
            language = _conversation_language()
        reading = read_message(message_text(latest))
        matched = [str(f.get("matched") or "") for f in found]
        general = reading.general and reading_rules().general_about(message_text(latest), matched)
        checked = reading.already_checked and reading_rules().checked_after(message_text(latest), matched)
        if _asks_about_overdoses(matched, reading):
            # "could an overdose of ibuprofen hurt the joint? I take what my pharmacist says": a question.
            dispatcher.utter_message(text=if_ever_message(OVERDOSE_CATEGORY, language, asked=True))
            events = self._next_question(dispatcher, tracker, language)
            _answer_if_unanswered(dispatcher, tracker, reading, language)
            return events + clear_self_check()
        calm = _calmer_reply(tracker, categories, replace(reading, general=general, already_checked=checked), language)
        if calm:
            dispatcher.utter_message(text=calm)
            if reading.help_coming:
                return _question_asked_too(dispatcher, tracker, reading, language) + clear_self_check()
            events = self._next_question(dispatcher, tracker, language)
            _answer_if_unanswered(dispatcher, tracker, reading, language)
            return events + clear_self_check()
        possible = [f for f in found if f.get(CERTAINTY) == POSSIBLE]
        if found and len(possible) == len(found):
            dispatcher.utter_message(text=possible_emergency_message(possible[0].get("category"), language=language))
            question = latest.get(QUESTION_INTENT)
            events = answer_question(dispatcher, tracker, question) if question in QUESTION_TYPES else []
            _answer_if_unanswered(dispatcher, tracker, reading, language)
            return events + clear_self_check()
        someone_else = _about_someone_else(reading, matched, message_text(latest))
        advice = emergency_message(categories, language=language, someone_else=someone_else)
        dispatcher.utter_message(text=advice)
        return clear_self_check()

    @staticmethod
    def _next_question(dispatcher: CollectingDispatcher, tracker: Tracker, language: str) -> List[Dict[Text, Any]]:
        """The question the message also asked, when its language is answered in."""
        return answer_next_question(dispatcher, tracker) if language in served_languages() else []

    @staticmethod
    def _mentioned(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        """A sign the question only names ("what does saddle numbness mean? I don't have it"): one
        conditional line, then the question answered as its intent would have been."""
        found = tracker.latest_message.get(MENTIONED_SIGNS) or []
        language = emergency_language(found)
        category = str(found[0].get("category"))
        sign_words = str(found[0].get("matched") or "")
        if language in served_languages() and _asks_what_a_sign_means(
            message_text(tracker.latest_message).lower(), sign_words
        ):
            # "¿Qué es la anestesia en silla de montar?": what the page says of the SI joint would not answer it.
            return _sign_asked_about(dispatcher, category, language)
        dispatcher.utter_message(text=if_ever_message(category, language, asked=True))
        if language not in served_languages():
            return []
        if _asks_if_si_causes(tracker, category, language):
            dispatcher.utter_message(text=_wording(language).SIGN_NOT_LISTED)
            return answer_question(dispatcher, tracker, "ask_symptoms")
        warned = WARNING_SAID.set(True)
        try:
            events = answer_next_question(dispatcher, tracker, include_latest=True)
            if len(dispatcher.messages) == 1:
                named = named_entries(knowledge_store.current(), latest_entities(tracker))[:1]
                reading = message_reading(tracker)
                for message in composed_messages(knowledge_store.current(), reading, named):
                    dispatcher.utter_message(**message)
        finally:
            WARNING_SAID.reset(warned)
        return events

    @staticmethod
    def _repeat(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        """A short reply to urgent advice: help is coming (that is right), a correction (the alarm
        stands down to one conditional line), or anything else (the advice again, shorter)."""
        text = message_text(tracker.latest_message)
        reading = read_message(text)
        mentioned = previous_message(tracker).get(MENTIONED_SIGNS) or []
        if mentioned and reading.happening_now:
            # "what does it mean if ...?" then "it's happening to me right now": the full advice.
            categories = [str(f.get("category")) for f in mentioned]
            dispatcher.utter_message(text=emergency_message(categories, language=emergency_language(mentioned)))
            return []
        earlier = latest_emergency(tracker) or {}
        found = earlier.get(EMERGENCY_SIGNS) or []
        categories = [f.get("category") for f in found]
        language = emergency_language(found)
        wording = _wording(language)
        # "not numb, it's more of an ache, bladder normal": denying the sign corrects the alarm; asking
        # about one ("so can a fall cause SI pain?") does not.
        denied = emergency_signs.denies_a_sign(text) and not reading.asks
        corrected = reading.correction or reading.figure_of_speech
        if OVERDOSE_CATEGORY in categories:
            # "nah ya se me pasa, solo quiero dormir": sleepiness is how an overdose shows; only
            # "I only took my normal dose" corrects it.
            corrected = reading.denies_taking
        reading = replace(reading, correction=corrected or denied)
        about_someone_else = read_message(message_text(earlier)).someone_else if earlier else False
        crisis_follow_up = _crisis_follow_up(categories, reading, wording, about_someone_else, text)
        if crisis_follow_up:
            dispatcher.utter_message(text=crisis_follow_up.format(**emergency_settings(language=language)))
            return []
        if reading.refuses_help and not _stood_down_since_alarm(tracker):
            # "I'm not going to the ER, it's just my back": not a correction; the advice again.
            paragraphs = emergency_message(categories, language=language).split("\n\n")
            dispatcher.utter_message(text=f"{wording.EMERGENCY_AGAIN} {paragraphs[0]}")
            if _any_crisis(categories) and len(paragraphs) > 2:
                dispatcher.utter_message(text=paragraphs[1])  # pills taken in despair: the crisis line too
            return []
        if _stood_down_since_alarm(tracker) and not reading.correction and not reading.help_coming:
            # The alarm already stood down (or help is coming): the next question is just a question.
            if language not in served_languages():
                dispatcher.utter_message(
                    text=prompts_es.INPUT_PROBLEMS["other_language"].format(**emergency_settings(language=language))
                )
                return []
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            if intent in THANKS_INTENTS:
                dispatcher.utter_message(response="utter_thanks")
                return []
            if intent == FEELINGS_INTENT:
                # "im so scared" while the ambulance comes: a kind word and when to call again.
                dispatcher.utter_message(
                    text=wording.FEELINGS_AFTER_ALARM.format(**emergency_settings(language=language))
                )
                return []
            events = answer_next_question(dispatcher, tracker, include_latest=True)
            named = named_entries(knowledge_store.current(), latest_entities(tracker))
            if not dispatcher.messages and not compose_reply(dispatcher, tracker, named[:1]):
                if _help_coming_since_alarm(tracker):
                    # "¿le doy agua o café para despertarla?", "¿y ahora qué?" while help comes: for the team.
                    dispatcher.utter_message(text=help_on_the_way_message(language))
                else:
                    dispatcher.utter_message(response="utter_ask_topic")
            return events
        if reading.help_coming:
            dispatcher.utter_message(text=help_on_the_way_message(language))
            if _any_crisis(categories):
                crisis_line = wording.HELP_WITH_CRISIS_LINE.format(**emergency_settings(language=language))
                dispatcher.utter_message(text=crisis_line)
            return _question_asked_too(dispatcher, tracker, reading, language)
        checked = _checked_reply(categories, reading, language)  # never for a crisis: not a checked category
        if checked:
            # "I went to the clinic, X-rays showed no fracture, they sent me home": what to watch for.
            dispatcher.utter_message(text=checked)
            return _question_asked_too(dispatcher, tracker, reading, language)
        if reading.correction and not _any_crisis(categories):
            dispatcher.utter_message(text=stand_down_message(categories, language=language))
            return _question_asked_too(dispatcher, tracker, reading, language)
        if reading.figure_of_speech:
            # "es forma de hablar, no me voy a hacer nada. ¿el cinturón sirve?": the line offered, then the answer.
            dispatcher.utter_message(text=wording.FIGURE_OF_SPEECH.format(**emergency_settings(language=language)))
            return _question_asked_too(dispatcher, tracker, reading, language)
        if reading.correction:
            # "I'm not going to do anything, just venting": kindly, with the line still offered; "not
            # tonight": the thoughts are still there, the line is for today.
            still_here = wording.CRISIS_FOR_NOW if reading.only_for_now else wording.CRISIS_STILL_HERE
            dispatcher.utter_message(text=still_here.format(**emergency_settings(language=language)))
            return []
        if found and all(f.get(CERTAINTY) == POSSIBLE for f in found):
            advice = possible_emergency_message(found[0].get("category"))
        else:
            advice = emergency_message(categories, language=language).split("\n\n")[0]
        opening = wording.DONT_DRIVE.format(**emergency_settings(language=language)) if reading.asks_to_drive else ""
        dispatcher.utter_message(text=f"{opening or wording.EMERGENCY_AGAIN} {advice}")
        if advice_turned_down(message_text(previous_message(tracker)), _last_reply(tracker)):
            # Help turned down, then a question: the advice again, then the answer, not silence on it.
            return _question_asked_too(dispatcher, tracker, reading, language)
        return []


def _about_someone_else(reading: Reading, matched: List[str], text: str = "") -> bool:
    """Whom crisis advice speaks to. The sign's own words decide when they say it: "ya me quiero
    morir" is the writer's (though "la pistola de mi papá" names a relative), "cuts on her arms" is
    someone else's (named turns before), words quoted from someone ("she wrote 'I want to go'")
    are theirs; otherwise the message's reading."""
    quoted = quoted_words(text)
    said = [reading_text(m) for m in matched if not (quoted and reading_text(m) in quoted)]
    if any(reading_rules().someone_else.writer.search(m) and not THIRD_PERSON.search(m) for m in said):
        return False
    return reading.someone_else or any(THIRD_PERSON.search(m) for m in said)


def _crisis_follow_up(
    categories: List[str], reading: Reading, wording: Texts, about_someone_else: bool = False, text: str = ""
) -> Optional[str]:
    """After crisis advice, a reply to what the patient said about it: a plan to reach someone is
    encouraged; "I don't want a hotline" or "I don't know who to call" hears the other ways; a parent
    asking what to say to their daughter hears how the crisis line helps them help her."""
    if not _any_crisis(categories) or reading.help_coming:
        return None
    if about_someone_else and (reading.asks_how_to_help or reading.reaches_out or reading.asks_who_to_call):
        return wording.CRISIS_HELPING_SOMEONE
    if reading.asks_how_to_help and THIRD_PERSON.search(reading_text(text)):
        # "she's safe with me tonight, we see the GP tomorrow", the daughter named turns before.
        return wording.CRISIS_HELPING_SOMEONE
    if reading.reaches_out:
        return wording.CRISIS_PLAN
    if reading.refuses_help and OVERDOSE_CATEGORY in categories:
        return None  # "I don't want an ambulance" after pills taken: the overdose advice again, first
    if reading.refuses_help or reading.asks_who_to_call:
        return wording.CRISIS_OTHER_WAYS
    return None


# "thank you for staying with me" once help has come: a kind word back, not a menu.
THANKS_INTENTS = ("thanks", "goodbye")
FEELINGS_INTENT = "express_feelings"
INJURY_CATEGORY = "major_trauma"
INFECTION_CATEGORY = "infection"
# An overdose can show itself hours later: "parece que está bien" after a child swallowed pills is no
# reason to calm the alarm.
OVERDOSE_CATEGORY = "overdose"
THOUGHTS_SIGN = "thoughts_of_suicide_or_self_harm"


def _without_words_of_a_crisis_sign(found: List[Any]) -> List[Any]:
    """ "Some nights I think about just not waking up": an overdose sign whose words are part of a
    thought of suicide ("not waking up") is that thought, not an overdose taken, to be told first.
    An overdose that is the act itself ("took all my pills") stays first."""
    thoughts = [str(f.get("matched") or "").lower() for f in found if f.get("sign") == THOUGHTS_SIGN]

    def inside_a_thought(words: str) -> bool:
        return bool(words) and any(words in thought and len(words) < len(thought) for thought in thoughts)

    return [
        f
        for f in found
        if f.get("category") != OVERDOSE_CATEGORY or not inside_a_thought(str(f.get("matched") or "").lower())
    ]


# A sign told in the third person ("cuts on her arms"); Spanish leaves the person to the verb, so
# only the message's reading tells.
THIRD_PERSON = re.compile(r"\b(she|he|her|his|him|they|them|their|hers|shes|hes|theyre|theyve|shed|hed)\b")
# Signs that a professional's check ("my GP checked, just bruising", "the cardiologist saw me, all
# fine") turns into what to watch for.
CHECKED_CATEGORIES = frozenset({INJURY_CATEGORY, INFECTION_CATEGORY, "chest_pain"})
# The signs to watch for after a fall that was checked (NICE: cauda equina, progressive weakness).
AFTER_INJURY_CATEGORIES = ("cauda_equina", "leg_weakness")


def checked_message(categories: List[str], language: str, signs: EmergencySigns = emergency_signs) -> str:
    """For signs a professional has already checked: the signs to watch for (after a fall, those of
    nerve damage) and when to get help."""
    watch = [c for c in categories if c != INJURY_CATEGORY]
    if INJURY_CATEGORY in categories:
        watch += [c for c in AFTER_INJURY_CATEGORIES if c not in watch]
    warnings = _warnings(watch, signs, language)
    return _wording(language).ALREADY_CHECKED.format(warnings=warnings, **emergency_settings(language=language))


# A correction's own question ("no, that was years ago. what causes it?") is answered when the
# classifier is this sure of it, or its question sentence names its kind.
MIN_QUESTION_CONFIDENCE_AFTER_CORRECTION = 0.5


def _question_asked_too(
    dispatcher: CollectingDispatcher, tracker: Tracker, reading: Reading, language: str
) -> List[Dict[Text, Any]]:
    """The question a correction or "help is coming" also asks, in a language answered in.
    With help coming, only a question that names its kind ("while we wait, what is the SI joint?") or
    the SI joint or something of the page ("is SI fusion a big operation?", "what else does the page
    say about injections?"): "what do I do until they come?" is for the emergency team."""
    if reading.help_coming and reading.asks and reading.medicines:
        # "the ambulance is coming, should I give him a pain pill?": for the emergency team, not the page.
        dispatcher.utter_message(text=_wording(language).HELP_COMING_MEDICINES)
        return []
    named = named_entries(knowledge_store.current(), latest_entities(tracker))
    about_the_page = _about_the_page(reading, named)
    if not reading.asks or language not in served_languages() or (reading.help_coming and not about_the_page):
        return []
    said = len(dispatcher.messages)
    events = answer_next_question(
        dispatcher,
        tracker,
        include_latest=True,
        min_confidence=MIN_QUESTION_CONFIDENCE_AFTER_CORRECTION,
        trust_named=reading.help_coming,
    )
    # "no, nothing like that, it only hurts when I sit. is it my SI joint?": their case, framed.
    their_case = reading.correction and reading.own_case
    if (reading.help_coming or reading.correction) and len(dispatcher.messages) == said and (named or their_case):
        for message in composed_messages(knowledge_store.current(), message_reading(tracker), named[:1]):
            dispatcher.utter_message(**message)
    return events


# The noun, as a question names it ("could an overdose of ibuprofen ...?", "¿se puede tener una sobredosis?").
_OVERDOSE_WORD = re.compile(r"^(an? |una )?(overdose|overdoses|overdosing|sobredosis)\b")


def _asks_about_overdoses(matched: List[str], reading: Reading) -> bool:
    """A question about overdoses from someone who says they take their medicines as told: no sign
    but the word itself, so the line for an overdose, then the answer."""
    return (
        bool(matched)
        and reading.asks
        and reading.denies_taking
        and all(_OVERDOSE_WORD.match(reading_text(m)) for m in matched)
    )


def _about_the_page(reading: Reading, named: List[Any]) -> bool:
    """A question that names its kind, the SI joint or something of the page: the page can answer it."""
    return len(reading.question_types) == 1 or reading.on_subject or bool(named)


def _calmer_reply(tracker: Tracker, categories: List[str], reading: Reading, language: str) -> Optional[str]:
    """Instead of the full alarm, for a sign that is not a crisis: help is already coming (that is
    right); the patient corrects an earlier alarm ("lol no, that was 15 years ago") or asks about a
    sign in general (one conditional line). None: the full alarm."""
    if _any_crisis(categories):
        return None
    if reading.help_coming:
        return help_on_the_way_message(language)
    if not categories:
        return None
    if reading.correction and not reading.refuses_help and latest_emergency(tracker, before_latest=True):
        return stand_down_message(categories, language=language)
    if reading.general and reading.denies_having and not _any_crisis(categories):
        # "Fever with back pain, is that serious? I don't have either right now": not an alarm.
        return if_ever_message(categories[0], language, asked=True)
    if reading.general and OVERDOSE_CATEGORY not in categories:
        return possible_emergency_message(categories[0], language=language)
    checked = _checked_reply(categories, reading, language)
    if checked:
        return checked
    if reading.checked_and_fine and set(categories) == {INFECTION_CATEGORY}:
        # "had a fever last week with the flu, it's gone now": one conditional line.
        return if_ever_message(INFECTION_CATEGORY, language)
    return None


def _checked_reply(categories: List[str], reading: Reading, language: str) -> Optional[str]:
    """What to watch for, not "call 911 now": a fall a professional has already checked, or a fever
    or chest pain checked and found fine ("my doctor checked me and all was fine")."""
    if not reading.already_checked or not categories:
        return None
    if set(categories) == {INJURY_CATEGORY} or (reading.checked_and_fine and set(categories) <= CHECKED_CATEGORIES):
        return checked_message(categories, language)
    return None


def if_ever_message(category: str, language: str, asked: bool = False) -> str:
    """One conditional line for a sign that is over, or (`asked`) that a question only names: then
    without the emergency number, which would read as an alarm."""
    described = emergency_signs.categories_in(language)[category]
    wording, settings = _wording(language), emergency_settings(language=language)
    if described.crisis:
        return wording.IF_EVER_CRISIS.format(**settings)
    template = wording.IF_EVER_ASKED if asked else wording.IF_EVER
    return template.format(warning=described.warning, **settings)


# Words of a question about when to get urgent help; without one ("not an emergency, just curious"),
# a message the classifier called `ask_red_flags` is answered as its next question type.
# "it's not an emergency, but ...", "no es una urgencia": not about urgency (content/knowledge/reading.yml:
# asks_red_flags says what is).
_NOT_URGENT = re.compile(r"\b(not|no|isn'?t|no es) (an? |una )?(emergenc\w*|urgen\w*)|\burgent ?care\b")


# A question about what a warning sign's words mean, in the languages answered in.
_ASKS_MEANING = re.compile(
    r"\bwhat (does|do|is|are|s)\b.{0,60}\bmean|\bmeaning of\b|\bdefin\w*"
    r"|\bwhat (is|are) (a |an )?\w+ (numbness|anaesthesia|anesthesia)"
    r"|\bqu[eé] (es|son|significa|quiere decir)\b|\bsignificado\b"
)


def _asks_if_si_causes(tracker: Tracker, category: str, language: str) -> bool:
    """For a sign the page's symptoms leave out: "can SI joint pain cause loss of bladder control?"."""
    described = emergency_signs.categories_in(language).get(category)
    return bool(described and described.not_a_page_symptom) and message_reading(tracker).asks_if_si_causes


# "¿Qué es el sacroilíaco exactamente?", "what is the SI joint?": a question about the joint, not a sign.
_THE_JOINT = re.compile(r"\s*(the |el |la |a |an )?(si\b|sij\b|sacro|articulaci[oó]n (si|sacro))")


def _asks_what_a_sign_means(text: str, sign_words: str) -> bool:
    """ "What does saddle anesthesia mean?", "my physio said 'saddle numbness'. What does that mean?":
    the question or the sentence before it names the sign; "what does 'atraumatic' mean?" in a story
    that also names a car accident asks about something else."""
    found = _ASKS_MEANING.search(text)
    if found is None or _THE_JOINT.match(text[found.end() :]):
        return False
    breaks = [i for i, ch in enumerate(text) if ch in ".?!\n"]
    before = [i for i in breaks if i < found.start()]
    start = before[-2] + 1 if len(before) >= 2 else 0
    end = next((i for i in breaks if i >= found.end()), len(text))
    near = set(reading_text(text[start:end]).split())
    return any(len(word) >= 5 and word in near for word in reading_text(sign_words).split())


def _sign_asked_about(dispatcher: CollectingDispatcher, category: str, language: str) -> List[Dict[Text, Any]]:
    """What a warning sign means: its conditional line, and that the page doesn't explain it."""
    dispatcher.utter_message(text=if_ever_message(category, language, asked=True))
    dispatcher.utter_message(text=_wording(language).SIGN_NOT_EXPLAINED)
    return []


MIN_NEXT_QUESTION_CONFIDENCE = 0.1


def _answer_if_unanswered(dispatcher: CollectingDispatcher, tracker: Tracker, reading: Reading, language: str) -> None:
    """After the one line of advice, a question no intent answered ("could the flu have caused
    this?", "Dosage?"): what the page doesn't say, that a professional can tell, and what the page
    says about what they named, or about finding the source."""
    if len(dispatcher.messages) != 1 or not reading.asks or language not in served_languages():
        return
    named = named_entries(knowledge_store.current(), latest_entities(tracker))[:1]
    own_case = replace(message_reading(tracker), own_case=True)
    for message in composed_messages(knowledge_store.current(), own_case, named):
        dispatcher.utter_message(**message)


def answer_next_question(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    include_latest: bool = False,
    min_confidence: float = MIN_NEXT_QUESTION_CONFIDENCE,
    trust_named: bool = False,
) -> List[Dict[Text, Any]]:
    """The question the classifier ranked after `emergency` (or, `include_latest`, the message's
    own), when it is a real contender; the one the question sentence names, when the classifier
    also ranks it (or, `trust_named`, in any case), comes first."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    if include_latest:
        ranking = [tracker.latest_message.get("intent") or {}, *ranking]
    named = read_message(message_text(tracker.latest_message)).question_types
    ranked = {r.get("name") for r in ranking if (r.get("confidence") or 0) >= MIN_NEXT_QUESTION_CONFIDENCE}
    if len(named) == 1 and (trust_named or named[0] in ranked):
        # "while we wait, what is the SI joint?": the classifier read the whole story, the ambulance
        # and the fall with it, and may rank another question first.
        return answer_question(dispatcher, tracker, named[0])
    question = next(
        (
            r.get("name")
            for r in ranking
            if r.get("name") in QUESTION_TYPES and (r.get("confidence") or 0) >= min_confidence
        ),
        None,
    )
    return answer_question(dispatcher, tracker, question) if question else []


class ActionRedFlags(Action):
    def name(self) -> Text:
        return "action_red_flags"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = message_text(tracker.latest_message).lower()
        if read_message(text).help_coming:
            # "ok we're taking him to the ER now": that is right; no list of when to call.
            return ActionEmergency().run(dispatcher, tracker, domain)
        named = emergency_signs.mentioned(text)[:1]
        if named and _asks_what_a_sign_means(text, named[0].matched):
            # "What does 'saddle anesthesia' mean? I saw it on a list of warning signs": that sign only.
            return _sign_asked_about(
                dispatcher, named[0].category, emergency_language([{"language": named[0].language}])
            )
        if read_message(_NOT_URGENT.sub(" ", text)).asks_red_flags:
            for text in red_flags_messages():
                dispatcher.utter_message(text=text)
            return []
        # Not about urgency: the question the classifier ranked next, if it is a real contender
        # ("how much water should I drink?" has none, and gets asked for a topic, not a guess).
        events = answer_next_question(dispatcher, tracker)
        if not dispatcher.messages:
            dispatcher.utter_message(response="utter_ask_topic")
        return events
