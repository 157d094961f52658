"""What the stored conversations tell the page's owners: how many, through which channels and in
which languages, how each turn was answered, which knowledge entries patients read and found
helpful, what came next, the questions the page does not answer (grouped into themes, scrubbed of
names, numbers, addresses and dates) and the emergencies (counts only).

Framework-free: it reads the conversations as Rasa's event dicts (the tracker store's `data`
column), so it sees exactly what the store keeps, and so what retention keeps. No conversation id
and no emergency message text ever reaches the report. `serving/report.py` reads the store and
writes the files (`make report`)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from si_joint.message_reading import reading_rules, reading_text
from si_joint.parse_data import EMERGENCY_INTENT, EMERGENCY_SIGNS, LANGUAGE
from si_joint.service_metrics import channel_label

# How a turn was answered, by the actions that ran in it: the first outcome of this order wins.
OUTCOMES = ("emergency", "refused", "not_covered", "fallback", "hand_off", "answered", "feedback", "other")
ACTION_OUTCOMES = {
    "action_emergency": "emergency",
    "action_decline_personal_advice": "refused",
    "action_not_covered": "not_covered",
    "action_fallback": "fallback",
    "action_contact_people": "hand_off",
    "action_answer_question": "answered",
    "action_answer_list_item": "answered",
    "action_tell_more": "answered",
    "action_answer_most_common": "answered",
    "action_answer_comparison": "answered",
    "action_answer_source": "answered",
    "action_red_flags": "answered",
    "action_record_feedback": "feedback",
}
# The metadata the actions give their messages (BotUttered.metadata), which the store keeps.
ANSWERED_ENTRY = "entry"  # the knowledge entry an answer gives (actions/replies.answer_message)
NOT_COVERED = "not_covered"  # the message says the page does not answer what was asked
FEEDBACK_INTENTS = {"feedback_helpful": True, "feedback_not_helpful": False}
EXAMPLES_PER_THEME = 3
THEME_OVERLAP = 0.34  # the share of content words two questions need in common to be one theme
DAY_S = 86400


@dataclass
class Turn:
    """One patient message and what the assistant did with it."""

    conversation: int  # the conversation's number in this report, never its id
    time: float
    channel: str
    language: str
    text: str
    intent: Optional[str]
    outcome: str = "other"
    entry: Optional[str] = None  # the knowledge entry answered
    emergencies: Tuple[str, ...] = ()
    helpful: Optional[bool] = None  # a feedback turn's answer
    feedback_entry: Optional[str] = None  # the entry a feedback turn is about
    after_not_helpful: bool = False  # the message right after a "not helpful": what was missing
    actions: List[str] = field(default_factory=list)


def turns_of(events: Sequence[Mapping[str, Any]], number: int) -> List[Turn]:
    """The turns of one conversation, from its events in order."""
    turns: List[Turn] = []
    language = "en"
    last_answered: Optional[str] = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or event.get("intent") or {}).get("name")
            language = parse.get(LANGUAGE) or language
            signs = tuple(dict.fromkeys(s.get("category") for s in parse.get(EMERGENCY_SIGNS) or [] if s))
            previous = turns[-1] if turns else None
            turn = Turn(
                number,
                float(event.get("timestamp") or 0),
                channel_label(event.get("input_channel")),
                language,
                str(event.get("text") or ""),
                intent,
                emergencies=tuple(s for s in signs if s) if intent == EMERGENCY_INTENT else (),
                after_not_helpful=bool(previous and previous.helpful is False),
            )
            if intent in FEEDBACK_INTENTS:
                turn.helpful, turn.feedback_entry = FEEDBACK_INTENTS[intent], last_answered
            turns.append(turn)
        elif not turns:
            continue
        elif kind == "action":
            turns[-1].actions.append(str(event.get("name") or ""))
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            if metadata.get(ANSWERED_ENTRY) and not turns[-1].entry:
                turns[-1].entry = last_answered = str(metadata[ANSWERED_ENTRY])
            if metadata.get(NOT_COVERED):
                turns[-1].actions.append("action_not_covered")
        elif kind == "slot" and event.get("name") == "language" and event.get("value"):
            language = turns[-1].language = str(event["value"])
    for turn in turns:
        turn.outcome = _outcome(turn)
    return turns


def _outcome(turn: Turn) -> str:
    found = {ACTION_OUTCOMES[a] for a in turn.actions if a in ACTION_OUTCOMES}
    if turn.intent == EMERGENCY_INTENT:
        found.add("emergency")
    if turn.intent in FEEDBACK_INTENTS:
        found.add("feedback")
    return next((outcome for outcome in OUTCOMES if outcome in found), "other")


def build_report(
    conversations: Iterable[Sequence[Mapping[str, Any]]],
    since: Optional[float] = None,
    until: Optional[float] = None,
) -> Dict[str, Any]:
    """The report's figures for the turns in [since, until): every conversation's events in order."""
    turns = [
        turn
        for number, events in enumerate(conversations)
        for turn in turns_of(events, number)
        if (since is None or turn.time >= since) and (until is None or turn.time < until)
    ]
    asked = [t for t in turns if t.outcome != "feedback"]
    return {
        "period": _period(turns, since, until),
        "conversations": len({t.conversation for t in turns}),
        "turns": len(asked),
        "by_channel": _by(asked, "channel"),
        "by_language": _by(asked, "language"),
        "outcomes": _counts(t.outcome for t in asked),
        "outcomes_by_channel": {
            channel: _counts(t.outcome for t in asked if t.channel == channel)
            for channel in sorted({t.channel for t in asked})
        },
        "entries": _entries(turns),
        "unanswered_themes": themes([t.text for t in asked if t.outcome == "not_covered"]),
        "fallback_themes": themes([t.text for t in asked if t.outcome == "fallback"]),
        "what_was_missing": themes([t.text for t in asked if t.after_not_helpful and t.outcome != "emergency"]),
        "emergencies": {
            "turns": sum(1 for t in asked if t.outcome == "emergency"),
            "by_kind": _counts(kind for t in asked for kind in t.emergencies),
            "by_channel": _counts(t.channel for t in asked if t.outcome == "emergency"),
        },
        "answers_per_day": _counts(_day(t.time) for t in asked if t.outcome == "answered"),
    }


def _period(turns: List[Turn], since: Optional[float], until: Optional[float]) -> Dict[str, Optional[str]]:
    times = [t.time for t in turns]
    start = since if since is not None else (min(times) if times else None)
    end = until if until is not None else (max(times) if times else None)
    return {"from": _iso(start), "to": _iso(end)}


def _iso(time: Optional[float]) -> Optional[str]:
    return None if time is None else datetime.fromtimestamp(time, timezone.utc).isoformat(timespec="seconds")


def _day(time: float) -> str:
    return datetime.fromtimestamp(time, timezone.utc).date().isoformat()


def _counts(values: Iterable[Any]) -> Dict[str, int]:
    return dict(sorted(Counter(str(v) for v in values).items(), key=lambda item: (-item[1], item[0])))


def _by(turns: List[Turn], attribute: str) -> Dict[str, Dict[str, int]]:
    conversations: Dict[str, set] = defaultdict(set)
    counted: Counter = Counter()
    for turn in turns:
        value = getattr(turn, attribute)
        conversations[value].add(turn.conversation)
        counted[value] += 1
    return {value: {"conversations": len(conversations[value]), "turns": counted[value]} for value in sorted(counted)}


def _entries(turns: List[Turn]) -> Dict[str, Dict[str, Any]]:
    """Per entry: times answered, helpful yes / no, and what the patient asked next (the next
    turn's entry, or its outcome when it answered no entry)."""
    figures: Dict[str, Dict[str, Any]] = defaultdict(lambda: {"answered": 0, "helpful": 0, "not_helpful": 0})
    following: Dict[str, Counter] = defaultdict(Counter)
    for index, turn in enumerate(turns):
        if turn.entry:
            figures[turn.entry]["answered"] += 1
            later = next((t for t in turns[index + 1 :] if t.outcome != "feedback"), None)
            if later and later.conversation == turn.conversation:
                following[turn.entry][later.entry or later.outcome] += 1
        if turn.feedback_entry and turn.helpful is not None:
            figures[turn.feedback_entry]["helpful" if turn.helpful else "not_helpful"] += 1
    return {
        entry: {**figures[entry], "next": _counts(following[entry].elements())}
        for entry in sorted(figures, key=lambda e: (-figures[e]["answered"], e))
    }


# --- Scrubbing ------------------------------------------------------------------------------------
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_PHONE = re.compile(r"\+?\d[\d ().-]{5,}\d")
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)[a-z]*\.?"  # noqa: E501
_DATE = re.compile(
    rf"\b\d{{1,4}}[/.-]\d{{1,2}}([/.-]\d{{1,4}})?\b|\b{_MONTHS} \d{{1,2}}(st|nd|rd|th)?(,? \d{{4}})?\b|"
    rf"\b\d{{1,2}}(st|nd|rd|th)? (of |de )?{_MONTHS}( (of |de )?\d{{4}})?\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+([.,]\d+)?")
MIN_PHONE_DIGITS = 7


def shares_contact_details(text: str) -> bool:
    """Whether a message gives a phone number or an email address ("mi número es 55 1234 5678")."""
    phones = (m.group() for m in _PHONE.finditer(text or ""))
    return bool(_EMAIL.search(text or "")) or any(sum(c.isdigit() for c in p) >= MIN_PHONE_DIGITS for p in phones)


# The introducing words in any case, the name capitalised.
_NAME_WORD = r"[A-ZÁÉÍÓÚÑ][\w'-]+"
_INTRODUCED_NAME = re.compile(
    rf"\b((?i:my name is|my names|i am|i'm|im|this is|call me|me llamo|soy))\s+{_NAME_WORD}(\s+{_NAME_WORD})?"
)
_TITLED_NAME = re.compile(rf"\b((?i:dr|doctor|doctora|mr|mrs|ms|miss|sr|sra))\.?\s+{_NAME_WORD}")
# A capitalised word that does not begin a sentence: a name, a place or a clinic, most of the time.
_CAPITALISED = re.compile(r"(?<=[^\s.!?¡¿])(\s+)([A-ZÁÉÍÓÚÑ][a-záéíóúñü'-]+)")
NAME, NUMBER = "[name]", "[number]"


def scrub(text: str) -> str:
    """The message without e-mail addresses, links, phone numbers, dates, numbers and names (an
    introduced name, a title's name, a capitalised word inside a sentence). A name written in
    lower case ("my son jake") is not found: the report shows a few examples per theme only."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _URL.sub("[link]", text)
    text = _PHONE.sub("[phone]", text)
    text = _DATE.sub("[date]", text)
    text = _NUMBER.sub(NUMBER, text)
    text = _INTRODUCED_NAME.sub(lambda m: f"{m.group(1)} {NAME}", text)
    text = _TITLED_NAME.sub(lambda m: f"{m.group(1)} {NAME}", text)
    return _CAPITALISED.sub(lambda m: m.group(1) + NAME, text)


# --- Themes ---------------------------------------------------------------------------------------
_STOP = set(
    """a an the and or but if of to in on at for with from by about as is are was were be been am do does did
    done have has had i me my mine we our you your he him his she her they them their it its this that these those
    there here what whats which who whom how when where why can could should would will shall may might must
    not no yes so just really very too also still any some much many more most other than then after before
    into out up down over again ever get got getting go going know want need tell say said like feel feeling
    help please thanks thank im ive id dont doesnt didnt cant wont isnt arent hi hello anyone anybody
    si joint joints sacroiliac pain painful hurt hurts hurting back lower low side one time
    que el la los las de del en y o un una unos unas es son por para con mi mis me se le lo su sus
    como cual cuando donde porque pero si no muy mas tengo tiene hay esta estoy dolor articulacion
    sacroiliaca""".split()
)
_WORD = re.compile(r"[a-zñ]+")


def _stem(word: str) -> str:
    for ending in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _content_stems(text: str) -> Dict[str, str]:
    """Each content word's stem, with the word as first written."""
    stems: Dict[str, str] = {}
    for word in _WORD.findall(reading_text(scrub(text))):
        if word not in _STOP and len(word) > 2:
            stems.setdefault(_stem(word), word)
    return stems


def themes(texts: Sequence[str]) -> List[Dict[str, Any]]:
    """The questions grouped into themes, largest first: those that ask the same aspect of the
    reading rules ("how much does it cost", "is it covered by insurance") together, the others by
    the content words they share. Each theme: a name, a count and a few scrubbed examples."""
    rules = reading_rules()
    groups: List[Dict[str, Any]] = []
    by_aspect: Dict[str, Dict[str, Any]] = {}
    for text in texts:
        aspects = rules.read(text).aspects
        stems = _content_stems(text)
        if aspects:
            group = by_aspect.get(aspects[0])
            if group is None:
                group = by_aspect[aspects[0]] = _new_group(rules.not_said(aspects[0], None))
                groups.append(group)
        else:
            group = _closest_group([g for g in groups if not g["aspect"]], set(stems))
            if group is None:
                group = _new_group(None)
                groups.append(group)
        group["texts"].append(text)
        group["words"].update(stems.values())
        group["stems"].update(stems.keys())
    return [
        {
            "theme": g["aspect"] or ", ".join(word for word, _ in g["words"].most_common(3)) or "(no words)",
            "count": len(g["texts"]),
            "examples": list(dict.fromkeys(scrub(" ".join(t.split())) for t in g["texts"]))[:EXAMPLES_PER_THEME],
        }
        for g in sorted(groups, key=lambda g: -len(g["texts"]))
    ]


def _new_group(aspect: Optional[str]) -> Dict[str, Any]:
    return {"aspect": aspect, "texts": [], "words": Counter(), "stems": Counter()}


def _closest_group(groups: List[Dict[str, Any]], stems: set) -> Optional[Dict[str, Any]]:
    best, best_overlap = None, 0.0
    for group in groups:
        common = stems & set(group["stems"])
        overlap = len(common) / max(1, min(len(stems), len(group["stems"])))
        if common and overlap >= THEME_OVERLAP and overlap > best_overlap:
            best, best_overlap = group, overlap
    return best
