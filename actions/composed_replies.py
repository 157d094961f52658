"""A reply built from what the message contains (si_joint/message_reading.py), not from one intent.

For a question about the writer's own case, or one that asks what the page does not say (how long,
how well, risks, cost ...), the reply is, in order:
1. "The page doesn't say ..." for the first aspect no selected entry answers; for "can it wait?",
   that the assistant cannot tell, with the warning signs that mean getting help right away; without
   such an aspect, the words of the question that the page never uses ("The page I answer from
   doesn't mention muscles", si_joint/page_words.py);
2. for their own case: that the assistant cannot assess anyone's situation, and why a health care
   professional needs to find the source of the pain;
3. who can answer: their doctor or the professional treating them (and a pharmacist for medicines);
4. what the page says about what they mentioned, one entry (the others offered as buttons), with
   its source.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import cache
from typing import List, Optional, Sequence

from actions import prompts, replies
from si_joint.conversation_language import REPLY_LANGUAGE
from si_joint.conversation_report import NOT_COVERED
from si_joint.emergency_signs import load_emergency_signs
from si_joint.knowledge import Entry, KnowledgeBase
from si_joint.message_reading import Reading, reading_rules
from si_joint.question_types import QUESTION_TYPES
from si_joint.reply_rules import makes_the_point_of
from si_joint.site_settings import emergency_settings

# "what does the page say about ...": a question about the page is not off it.
_ABOUT_THE_PAGE = re.compile(r"\b(the|your|this) (page|site|website)\b")
# Said for an own-case question that names nothing the page lists.
OWN_CASE_TOPIC = "other_sources_of_pain"
# Whether someone may be a candidate for fusion: no answer for someone who already had one, who reads
# instead that the page doesn't describe the operation or recovery.
CANDIDACY_TOPICS = ("si_joint_fusion", "fusion_candidate", "treatment_relief", OWN_CASE_TOPIC)
AFTER_FUSION_TOPIC = "fusion_surgery_type"
# The signs named in the conditional line for "can it wait?" (content/safety/emergency_signs.yml).
URGENT_SIGN_CATEGORIES = ("cauda_equina", "leg_weakness", "infection")
MAX_ASPECTS_SAID = 3
# Set while a reply that already opened with the warning signs ("If you ever have ...") is composed:
# "can it wait?" is then told who can say, without the signs again.
WARNING_SAID: ContextVar[bool] = ContextVar("warning_said", default=False)


def asked_topic(knowledge: KnowledgeBase, reading: Reading) -> List[Entry]:
    """The entry that answers the one kind of question a message names without naming an item of
    the page ("could a fall have started it?": the causes), if it names exactly one."""
    topics = {QUESTION_TYPES[name].topic for name in reading.question_types if name in QUESTION_TYPES}
    return [knowledge.entry(topic) for topic in topics if topic in knowledge.entries][:1] if len(topics) == 1 else []


def uncovered_aspects(reading: Reading, entries: Sequence[Entry]) -> List[str]:
    return [a for a in reading.aspects if not any(a in e.answers for e in entries)]


def needs_composing(reading: Reading, entries: Sequence[Entry]) -> bool:
    return (
        reading.own_case
        or bool(uncovered_aspects(reading, entries))
        or bool(reading.off_page_words)
        or bool(reading.condition_not_on_page)
    )


def asks_off_page(knowledge: KnowledgeBase, reading: Reading) -> bool:
    """A question that names nothing the page answers: no kind of question it answers, no aspect
    (said by name), no cause, symptom, test or treatment it lists, and not a question about their
    case ("is this my SI joint?"). "Will badminton make it worse?" after a story about back pain."""
    if not reading.asks or reading.case_question or reading.question_types or reading.aspects:
        return False
    rules = reading_rules()
    # "is that connected to SI joint pain?", "where even is it?": about the story or the joint itself.
    if rules.refers_back is not None and rules.refers_back.search(reading.question):
        return False
    if rules.subject_words.search(reading.question) or _ABOUT_THE_PAGE.search(reading.question):
        return False
    return not reading.off_page_words and not knowledge.names_an_item(reading.question)


def _says_what_is_missing(reading: Reading, entries: Sequence[Entry], off_page: bool) -> bool:
    """Whether the lead says what the page doesn't say, so the page's text follows as "what it does say"."""
    aspects = uncovered_aspects(reading, entries)
    if reading.condition_not_on_page:
        return True
    return aspects[:1] != ["urgency"] and bool(aspects or reading.off_page_words or off_page)


def _topic_name(entries: Sequence[Entry]) -> Optional[str]:
    """The treatment or test the question is about, in the patient's words, if any."""
    for entry in entries[:1]:
        if entry.entity in ("treatment", "diagnostic_method") or entry.id in ("si_joint_fusion", "implants"):
            return replies.lower_first(entry.title)
    return None


@cache
def urgent_warnings(language: str) -> str:
    """The warning signs that cannot wait, in `language` (the signs file's translation, if any)."""
    categories = load_emergency_signs().categories_in(language)
    return "; ".join(categories[name].warning for name in URGENT_SIGN_CATEGORIES)


def lead_text(reading: Reading, entries: Sequence[Entry], shown: Optional[Entry], off_page: bool = False) -> str:
    parts = []
    aspects = uncovered_aspects(reading, entries)
    if reading.condition_not_on_page:
        # "What helps a bulging disc?": the page's subject is the SI joint, whatever else it asks.
        parts.append(prompts.CONDITION_NOT_ON_PAGE.format(condition=reading.condition_not_on_page))
        aspects = []
    elif aspects and aspects[0] == "urgency" and WARNING_SAID.get():
        parts.append(prompts.CANNOT_TELL_IF_IT_CAN_WAIT_WARNED)
    elif aspects and aspects[0] == "urgency":
        parts.append(
            prompts.CANNOT_TELL_IF_IT_CAN_WAIT.format(
                warnings=urgent_warnings(REPLY_LANGUAGE.get()), **emergency_settings(language=REPLY_LANGUAGE.get())
            )
        )
    elif aspects:
        rules, topic, language = reading_rules(), _topic_name(entries), REPLY_LANGUAGE.get()
        parts.append(prompts.NOT_SAID.format(what=rules.not_said(aspects[0], topic, language)))
        # "does physio work, what does it cost and how many sessions?": each part it doesn't answer.
        asked_apart = rules.separate_aspects(reading.question)
        for aspect in [a for a in asked_apart if a in aspects[1:] and a != "urgency"][: MAX_ASPECTS_SAID - 1]:
            parts.append(prompts.NOT_SAID_EITHER.format(what=rules.not_said(aspect, topic, language)))
    elif reading.off_page_words:
        parts.append(prompts.NOT_MENTIONED.format(words=replies.spoken_list(reading.off_page_words, or_word=True)))
    elif off_page or (not entries and reading.asks and not reading.case_question):
        # A question of their own that names nothing the page lists ("what muscles cause it?").
        parts.append(prompts.NOT_ANSWERED)
    if aspects[:1] == ["urgency"]:
        # The warning signs are long, and the line already says who can tell how soon.
        return " ".join(parts + ([prompts.CANNOT_ASSESS] if reading.own_case else []))
    if reading.own_case:
        parts.append(prompts.CANNOT_ASSESS)
        # Not after "the page doesn't say ...", nor when the page's answer says it already.
        said = shown is not None and makes_the_point_of(shown.answer, prompts.LIKE_OTHER_BACK_PAIN)
        told = bool(aspects or reading.off_page_words or reading.condition_not_on_page or off_page)
        if not told and not said and not reading.had_fusion:
            parts.append(prompts.LIKE_OTHER_BACK_PAIN)
    parts.append(prompts.WHO_TO_ASK_MEDICINES if reading.medicines else prompts.WHO_TO_ASK)
    return " ".join(parts)


def _after_fusion(knowledge: KnowledgeBase, page: Sequence[Entry]) -> List[Entry]:
    """The page's entries for someone who already had a fusion: what the page says of the operation
    instead of whether they may be a candidate."""
    kept = [e for e in page if e.id not in CANDIDACY_TOPICS]
    if len(kept) == len(page) or AFTER_FUSION_TOPIC not in knowledge.entries:
        return list(page)
    return [knowledge.entry(AFTER_FUSION_TOPIC), *kept]


def composed_messages(
    knowledge: KnowledgeBase, reading: Reading, entries: Sequence[Entry], page: Optional[Sequence[Entry]] = None
) -> List[dict]:
    """The reply's messages: the lead (what the page doesn't say, can't assess, who to ask), then
    what the page says: `page`, by default the entries the question is about, or finding the
    source of the pain for an own-case question that names nothing."""
    entries = list(entries) or asked_topic(knowledge, reading)
    if page is None:
        page = entries or ([knowledge.entry(OWN_CASE_TOPIC)] if reading.own_case else [])
    if reading.had_fusion:
        page = _after_fusion(knowledge, page)
    off_page = asks_off_page(knowledge, reading)
    lead = lead_text(reading, entries, page[0] if page else None, off_page)
    if not page:
        return [{"text": lead}]
    answer = replies.answer_message(knowledge, page)
    missing = _says_what_is_missing(reading, entries, off_page)
    if missing:
        answer["text"] = f"{prompts.WHAT_THE_PAGE_SAYS} {answer['text']}"
    return [{"text": lead, NOT_COVERED: missing}, answer]
