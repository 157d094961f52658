"""What a patient's message asks, beyond its topic: their own case, the aspect, medicines.

Patients tell a story and ask about their own case ("could this be my SI joint? can it wait?").
`read_message` reads, separately from the intent classifier:
- `own_case`: a question about the writer's or a relative's case, or a story with a person and a
  health word in it;
- `aspects`: what the question asks about its topic beyond what it is (how long, how well, risks ...;
  si_joint/knowledge.py's ASPECTS), read in the question sentences only, so "I hurt my back at the
  gym" is not a question about exercise;
- `medicines`: whether medicines are mentioned (a pharmacist can help as well);
- `help_coming`: emergency help already called or reached;
- `already_checked`: a professional has already checked the injury ("my GP checked, just bruising");
  `checked_and_fine`: ... and found nothing wrong ("everything was fine", "it went away");
- `general`: a warning sign asked about in general, not reported ("asking for the future, I'm fine");
- `on_subject`: it names the SI joint, so it is not off-topic; `page_area`: it names a body area
  of the page's symptoms (back, buttock, hip, groin, leg);
- `words`: how many words it has; `asks`: whether it asks something (a question sentence);
- `asks_privacy`, `asks_link`: a question about what happens to what they write; "link?";
- `asks_for_a_person`: words that ask for a person or a way to reach one ("can I talk to someone");
- `asks_deletion`, `asks_restart`: words that ask to delete the conversation or to start over;
- `asks_red_flags`: words that ask about danger, urgency or warning signs;
- `correction`: a correction of what the assistant understood ("no, that was 6 months ago").
The patterns are in content/knowledge/reading.yml, loaded and validated here. Framework-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from si_joint import PROJECT_ROOT
from si_joint.knowledge import ASPECTS
from si_joint.message_limits import MAX_CLASSIFIED_CHARS
from si_joint.plain_text import plain_text
from si_joint.question_types import QUESTION_TYPES
from si_joint.site_settings import served_languages
from si_joint.wording import wording

READING_FILE = PROJECT_ROOT / "content" / "knowledge" / "reading.yml"
TRANSLATED_READING_FILES = "reading.*.yml"
SOMEONE_ELSE_KEYS = ("relatives", "writer", "other_person")
# Privacy questions with an answer of their own (content/replies: PRIVACY_WHO_SEES ...), said before
# the privacy notice: who else sees the chat, whether it trains the assistant, records and ID numbers.
PRIVACY_QUESTIONS = ("who_sees", "training", "records")
# A message that is only small talk ("g'day, you awake?", "cheers, that's me done"): the intent it
# is, or a question about the languages answered in.
SMALL_TALK_INTENTS = ("greet", "thanks", "goodbye")
ASKS_LANGUAGES = "asks_languages"
SMALL_TALK = (*SMALL_TALK_INTENTS, ASKS_LANGUAGES)
# Questions about the assistant itself, by the intent that answers them.
ASSISTANT_QUESTIONS = ("bot_challenge", "ask_capabilities")

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_QUESTION_START = re.compile(
    # "... is this my SI joint?? and can it wait till my appointment": a question after "and", "so", "but".
    r"^\s*[¿¡]?(?:(?:and|but|so|also|or|ok|okay|plus|y|pero|entonces|o|bueno)\s+[¿¡]?)?"
    r"(how|what|whats|when|why|which|who|where|is|are|am|can|could|should|would|will|do|does|did|"
    r"any|has|have|anyone|anybody|shall|might|may|must|"
    # Spanish, read without accents ("¿qué ...?" is "que ...")
    r"que|cual|cuales|como|cuando|cuanto|cuanta|cuantos|cuantas|donde|quien|por que|porque|es|son|"
    r"puede|puedo|podria|sera|deberia|conviene)\b"
)

# A sentence that asks without a question mark ("please let me know", "I was wondering what ...").
REQUEST = re.compile(
    r"\b(let (me|us) know|(i|we) (was|were|am|m) wondering|(i|we)(d| would) (like|love) to know|"
    r"((i|we) )?(just )?(want|wanted|need|needed) to know|(any|some) (suggestions?|advice|tips|ideas|help)|"
    r"please (help|advise|tell)|(can|could|would) you (please )?(tell|explain|say)|"
    r"(i|we) need (to (figure out|find out|find|know|learn)|a (better|more|good|way)|some (advice|help|tips|ideas))|"
    r"(looking|searching) for (advice|tips|ideas|help|a way|ways|options)|"
    # Spanish, read without accents: "solo quería saber si ...", "me podría decir ..."
    r"(queria|quiero|quisiera|necesito|me gustaria) saber|me (puede|podria|puedes|podrias) (decir|explicar)|"
    # "she's asking if she should take her tablets", "pregunta si puede comer"
    r"(is|are|am|shes|hes|theyre|im|were|s|re|m) asking (if|whether|about)|wants to know|"
    r"(pregunta|preguntan|preguntaba) (si|que|por))\b"
)
# "Any tips?", "Thoughts?", "What now?": a question this short is about the sentence before it.
SHORT_QUESTION_WORDS = 3
# Where one question ends and another begins within the question sentences.
_QUESTION_PARTS = re.compile(r"\?|;|,|:|\+|&|\d\)|\band\b|\by\b|\balso\b|\bplus\b")
# How far before a mention "other than", "I do not want" ... are looked for, in characters.
EXCLUSION_REACH = 40
_DETERMINERS = {"", "a", "an", "the", "any", "my", "more"}


class ReadingError(ValueError):
    """content/knowledge/reading.yml cannot be used; the message names the place."""


@dataclass(frozen=True)
class Aspect:
    name: str
    says: str  # "how long {topic} takes, works or lasts": what the page doesn't say
    pattern: re.Pattern
    in_general: str  # what it doesn't say when the question names no treatment or test
    in_story: bool = False  # also read in the story around an own-case question ("I'm 30 weeks pregnant")
    names_a_subject: bool = False  # "can losing weight help?": the page is silent on the subject itself


@dataclass(frozen=True)
class Reading:
    own_case: bool
    aspects: Tuple[str, ...]  # in the order the question names them
    medicines: bool  # the question asks about a medicine ("can I take ibuprofen with it?")
    help_coming: bool = False
    correction: bool = False
    general: bool = False
    on_subject: bool = False
    page_area: bool = False
    words: int = 0
    asks: bool = False
    case_question: bool = False  # "could this be my SI joint?", "what should I do?", "is this normal?"
    asks_deletion: bool = False
    asks_restart: bool = False
    asks_red_flags: bool = False
    asks_privacy: bool = False
    privacy_question: Optional[str] = None  # one of PRIVACY_QUESTIONS, answered before the notice
    small_talk: Optional[str] = None  # one of SMALL_TALK, when the whole message is only that
    asks_link: bool = False
    asks_for_a_person: bool = False
    question_types: Tuple[str, ...] = ()  # the kinds of question its words name ("symptoms": ask_symptoms)
    someone_else: bool = False  # names a relative or friend ("my dad", "mi amiga")
    refuses_help: bool = False  # "I'm not going to the ER"
    happening_now: bool = False  # "asking because it's happening to me right now"
    reaches_out: bool = False  # after crisis advice: "ok. I'll call my sister"
    asks_who_to_call: bool = False  # "I don't know who to call"
    asks_how_to_help: bool = False  # after crisis advice about someone else: "what do I even say to her?"
    already_checked: bool = False  # "my GP checked and said bruising"
    checked_and_fine: bool = False  # ... "and everything was fine", "it went away"
    refers_back: bool = False  # "what about cost then", "is it safe?": about the conversation's topic
    unrelated_request: bool = False  # "tell me a joke", "book me the meeting room": not about the topic
    about_an_animal: bool = False  # "my dachshund's back legs are wobbly": the page is about people
    denies_having: bool = False  # "I don't have either right now": a sign asked about is not theirs
    about_the_assistant: Optional[str] = None  # "are you a doctor?", "what are you for?": one of ASSISTANT_QUESTIONS
    figure_of_speech: bool = False  # "it's just a figure of speech": an alarming phrase not meant literally
    only_for_now: bool = False  # "I'm not going to do anything tonight": a denial that holds for now only
    had_fusion: bool = False  # "I had my SI fusion 5 weeks ago": whether they are a candidate is past
    asks_to_drive: bool = False  # "should I drive myself?": not with a warning sign
    asks_if_si_causes: bool = False  # "can SI joint pain cause that?"
    denies_taking: bool = False  # "I only took my normal dose": what corrects an overdose alarm
    # Words of the question the page never uses; from the model's parse data (si_joint/page_words.py).
    off_page_words: Tuple[str, ...] = ()
    # The condition the page doesn't cover that the question is about; from the parse data too.
    condition_not_on_page: Optional[str] = None
    question: str = ""  # the sentences that ask, read as plain lower-case letters


_ASKING_ME = re.compile(
    r"\b(tell|show|give|send|explain to|teach|remind) me\b|\blet me know\b|\bdime\b|\bexplicame\b"
    r"|\b(where|how) (can|could|do|should) i (read|find|learn|look)\b"
    r"|\b(donde|como) (puedo|podria) (leer|encontrar|ver|informarme|aprender)\b"
    r"|\bme (puede|puedes|podria|podrias) (decir|explicar|contar)\b"
)
_QUOTED = re.compile(r"[\"\u201c\u2018']([^\"\u201d\u2019']{1,300})[\"\u201d\u2019']")


@dataclass(frozen=True)
class SomeoneElse:
    """Whether a message is about someone else's crisis: it names a relative or friend, and outside
    quotes never says "I", or says "he" or "she" and speaks of them at least as often as of "I"."""

    relatives: re.Pattern
    writer: re.Pattern
    other_person: re.Pattern

    def about_someone_else(self, plain: str) -> bool:
        if not self.relatives.search(plain):
            return False
        unquoted = _QUOTED.sub(" ", plain)
        writer, pronouns = len(self.writer.findall(unquoted)), len(self.other_person.findall(unquoted))
        return writer == 0 or (pronouns > 0 and pronouns + len(self.relatives.findall(unquoted)) >= writer)


@dataclass(frozen=True)
class ReadingRules:
    case_questions: re.Pattern
    people: re.Pattern
    in_question: re.Pattern
    health_words: re.Pattern
    aspects: Tuple[Aspect, ...]
    medicines: re.Pattern
    help_on_the_way: re.Pattern
    help_in_the_past: re.Pattern
    corrections: re.Pattern
    general_question: re.Pattern
    subject_words: re.Pattern
    page_areas: re.Pattern
    asks_deletion: re.Pattern
    asks_restart: re.Pattern
    asks_red_flags: re.Pattern
    asks_privacy: re.Pattern
    asks_link: re.Pattern
    asks_for_a_person: re.Pattern
    someone_else: SomeoneElse
    refuses_help: re.Pattern
    already_checked: re.Pattern
    not_checked: re.Pattern
    checked_and_fine: Optional[re.Pattern] = None
    happening_now: Optional[re.Pattern] = None
    reaches_out: Optional[re.Pattern] = None
    asks_who_to_call: Optional[re.Pattern] = None
    asks_how_to_help: Optional[re.Pattern] = None
    question_words: Tuple[Tuple[str, re.Pattern], ...] = ()
    # The privacy questions that have an answer of their own ("will my doctor see this?").
    privacy_questions: Tuple[Tuple[str, re.Pattern], ...] = ()
    small_talk: Tuple[Tuple[str, re.Pattern], ...] = ()
    excluded_before: Optional[re.Pattern] = None
    refers_back: Optional[re.Pattern] = None
    # "the fusion", "the accident": a question about something in the story it follows.
    story_reference: Optional[re.Pattern] = None
    unrelated_request: Optional[re.Pattern] = None
    about_an_animal: Optional[re.Pattern] = None
    denies_having: Optional[re.Pattern] = None
    about_the_assistant: Tuple[Tuple[str, re.Pattern], ...] = ()
    figure_of_speech: Optional[re.Pattern] = None
    only_for_now: Optional[re.Pattern] = None
    had_fusion: Optional[re.Pattern] = None
    asks_to_drive: Optional[re.Pattern] = None
    asks_if_si_causes: Optional[re.Pattern] = None
    denies_taking: Optional[re.Pattern] = None
    # language -> aspect -> (says, in_general) of the other languages' files, for their replies
    translated_aspects: Mapping[str, Mapping[str, Tuple[str, str]]] = field(default_factory=dict)

    def with_language(self, language: str, other: ReadingRules) -> ReadingRules:
        """These rules reading the other language's messages too: each pattern matches what either
        file's does, and what the page doesn't say is said in the language of the reply."""
        merged: Dict[str, object] = {}
        for name in (f.name for f in fields(self)):
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, re.Pattern) or (mine is None and isinstance(theirs, re.Pattern)):
                merged[name] = _either(mine, theirs)
        merged["someone_else"] = SomeoneElse(
            *(_either(getattr(self.someone_else, k), getattr(other.someone_else, k)) for k in SOMEONE_ELSE_KEYS)
        )
        theirs_by_name = {aspect.name: aspect for aspect in other.aspects}
        merged["aspects"] = tuple(
            replace(aspect, pattern=_either(aspect.pattern, theirs_by_name[aspect.name].pattern))
            for aspect in self.aspects
        )
        for name in ("question_words", "privacy_questions", "small_talk", "about_the_assistant"):
            mine_words, other_words = dict(getattr(self, name)), dict(getattr(other, name))
            merged[name] = tuple(
                (key, _either(mine_words.get(key), other_words.get(key)))
                for key in dict.fromkeys([*mine_words, *other_words])
            )
        translated = {a.name: (a.says, a.in_general) for a in other.aspects}
        merged["translated_aspects"] = {**self.translated_aspects, language: translated}
        return replace(self, **merged)  # type: ignore[arg-type]

    def _aspect(self, name: str) -> Aspect:
        return next(a for a in self.aspects if a.name == name)

    def leaves_out(self, before: str) -> bool:
        """Whether the words just before a mention leave it out ("other than", "I don't want")."""
        if self.excluded_before is None:
            return False
        tail = reading_text(before)[-EXCLUSION_REACH:]
        found = list(self.excluded_before.finditer(tail))
        return bool(found) and tail[found[-1].end() :].strip() in _DETERMINERS

    def read(self, text: str) -> Reading:
        plain = reading_text(text)
        asking = question_sentences(plain)
        question = " ".join(asking)
        general = bool(self.general_question.search(plain))
        case_question = bool(self.case_questions.search(plain))
        # "tell me about the belt" asks; it is no story about the writer.
        about_people = _ASKING_ME.sub(" ", plain)
        story = bool(self.people.search(about_people) and self.health_words.search(plain))
        question_types = tuple(intent for intent, pattern in self.question_words if pattern.search(question))
        privacy_question = next((kind for kind, pattern in self.privacy_questions if pattern.search(plain)), None)
        # After a story, a question of the page's own kinds with no one in it ("What treatments are
        # there?") is a general question; any other question after a story is about the case.
        faq = bool(asking) and bool(question_types) and not self.in_question.search(_ASKING_ME.sub(" ", question))
        own_case = not general and (case_question or (story and not faq))
        found = sorted(
            (match.start(), aspect.name) for aspect in self.aspects if (match := aspect.pattern.search(question))
        )
        # Whom the question is about ("I'm pregnant") comes before what it asks about it.
        in_story = [a.name for a in self.aspects if a.in_story and a.pattern.search(plain if own_case else question)]
        # A subject the page never mentions ("does kinesiology tape work?") before how well it works.
        subjects = [name for _, name in found if self._aspect(name).names_a_subject]
        return Reading(
            own_case,
            tuple(dict.fromkeys([*in_story, *subjects, *(name for _, name in found)])),
            bool(self.medicines.search(question)),
            help_coming=self._help_coming(plain),
            correction=bool(self.corrections.search(plain)),
            general=general,
            on_subject=bool(self.subject_words.search(plain)),
            page_area=bool(self.page_areas.search(plain)),
            words=len(plain.split()),
            asks=any(s.endswith("?") or _QUESTION_START.match(s) or REQUEST.search(s) for s in asking),
            case_question=case_question,
            asks_deletion=bool(self.asks_deletion.search(plain)),
            asks_restart=bool(self.asks_restart.search(plain)),
            asks_red_flags=bool(self.asks_red_flags.search(question)),
            asks_privacy=bool(self.asks_privacy.search(plain)) or privacy_question is not None,
            privacy_question=privacy_question,
            small_talk=next((kind for kind, pattern in self.small_talk if pattern.fullmatch(plain)), None),
            asks_link=bool(self.asks_link.search(plain)),
            asks_for_a_person=bool(self.asks_for_a_person.search(plain)),
            question_types=question_types,
            someone_else=self.someone_else.about_someone_else(plain),
            refuses_help=bool(self.refuses_help.search(plain)),
            happening_now=bool(self.happening_now and self.happening_now.search(plain)),
            reaches_out=bool(self.reaches_out and self.reaches_out.search(plain)),
            asks_who_to_call=bool(self.asks_who_to_call and self.asks_who_to_call.search(plain)),
            asks_how_to_help=bool(self.asks_how_to_help and self.asks_how_to_help.search(plain)),
            already_checked=bool(self.already_checked.search(plain)) and not self.not_checked.search(plain),
            checked_and_fine=bool(self.checked_and_fine and self.checked_and_fine.search(plain)),
            question=question,
            refers_back=bool(self.refers_back and self.refers_back.search(plain)),
            unrelated_request=bool(self.unrelated_request and self.unrelated_request.search(plain)),
            about_an_animal=bool(self.about_an_animal and self.about_an_animal.search(plain)),
            denies_having=bool(self.denies_having and self.denies_having.search(plain)),
            about_the_assistant=next((kind for kind, found in self.about_the_assistant if found.search(plain)), None),
            figure_of_speech=bool(self.figure_of_speech and self.figure_of_speech.search(plain)),
            only_for_now=bool(self.only_for_now and self.only_for_now.search(plain)),
            had_fusion=bool(self.had_fusion and self.had_fusion.search(plain)),
            asks_to_drive=bool(self.asks_to_drive and self.asks_to_drive.search(plain)),
            asks_if_si_causes=bool(self.asks_if_si_causes and self.asks_if_si_causes.search(plain)),
            denies_taking=bool(self.denies_taking and self.denies_taking.search(plain)),
        )

    def _help_coming(self, plain: str) -> bool:
        """Help is on the way, said in a sentence that doesn't put it in the past ("I was sent home
        from the ER yesterday"); "the ambulance is on the way. what about his fusion from last year?"
        is help coming."""
        return any(
            self.help_on_the_way.search(sentence) and not self.help_in_the_past.search(sentence)
            for sentence in sentences_of(plain) or [plain]
        )

    def separate_questions(self, text: str) -> Tuple[str, ...]:
        """The kinds of question asked in separate parts of the question ("where is the SI joint
        and what causes pain there?", "how's it diagnosed + treated?"), in order; "what symptoms
        does it cause?" asks one."""
        found: List[str] = []
        for part in _QUESTION_PARTS.split(self.read(text).question):
            named = [intent for intent, pattern in self.question_words if pattern.search(part)]
            if len(named) == 1 and named[0] not in found:
                found.append(named[0])
        return tuple(found)

    def separate_aspects(self, question: str) -> Tuple[str, ...]:
        """The first aspect each part of a question asks about ("does physio work, what does it cost
        and how many sessions?": how well, cost, how long), in order; one part's words that name two
        ("how long is the recovery") count once."""
        found: List[str] = []
        for part in _QUESTION_PARTS.split(question):
            named = sorted((m.start(), a.name) for a in self.aspects if (m := a.pattern.search(part)))
            if named and named[0][1] not in found:
                found.append(named[0][1])
        return tuple(found)

    def general_about(self, text: str, phrases: Sequence[str]) -> bool:
        """Whether a message that asks in general asks about these warning-sign phrases in general:
        a question about causes after a report ("her chest feels heavy now. could the SI joint cause
        that?") still reports the sign; "she is fine now" or "can it cause fever?" does not."""
        sentences = sentences_of(reading_text(text))
        general = [k for k, s in enumerate(sentences) if self.general_question.search(s)]
        if not general:
            return False
        reporting = _reporting_sentences(sentences, phrases)
        # "she is fine now" after the report stands it down; a remark before the story does not
        # ("the doctor says it may be the SI joint. Last night he fell and can't walk").
        if any(not sentences[k].endswith("?") and (not reporting or k >= reporting[0]) for k in general):
            return True
        return not reporting or all(k in general or sentences[k].endswith("?") for k in reporting)

    def checked_after(self, text: str, phrases: Sequence[str]) -> bool:
        """Whether the check a message tells of comes with or after the sign it reports ("he fell last
        night, the ER x-rayed him"): an operation told before it ("they operated on his back in 2015.
        Last night he fell") is older than the sign."""
        sentences = sentences_of(reading_text(text))
        reporting = _reporting_sentences(sentences, phrases)
        return any(self.already_checked.search(s) for s in sentences[reporting[0] if reporting else 0 :])

    def not_said(self, aspect: str, topic: Optional[str], language: str = "en") -> str:
        """What the page doesn't say, about `topic` (a treatment or test) or in general, in `language`."""
        found = next(a for a in self.aspects if a.name == aspect)
        says, in_general = self.translated_aspects.get(language, {}).get(aspect, (found.says, found.in_general))
        return says.format(topic=topic) if topic and "{topic}" in says else in_general


def _reporting_sentences(sentences: Sequence[str], phrases: Sequence[str]) -> List[int]:
    """The sentences where the sign phrases start (a phrase may run on into the next sentence)."""
    starts = [sentences_of(reading_text(p))[:1] for p in phrases if p]
    return [k for k, s in enumerate(sentences) if any(start and start[0] in s for start in starts)]


def reading_text(text: str) -> str:
    """The message as the reading's patterns see it: plain letters, lower case, no apostrophes, "&"
    as "and" ("A&E" reads "a and e")."""
    return " ".join(_APOSTROPHES.sub("", plain_text(text or "")).lower().replace("&", " and ").split())


# A quotation opens after a space and closes before one: the apostrophes of "she's" and "doesn't" don't.
_QUOTATION = re.compile(r"(?:(?<=\s)|^)[\"\u201c\u2018']([^\"\u201d\u2019]{1,300}?)[\"\u201d\u2019'](?=[\s.,!?;:]|$)")


def quoted_words(text: str) -> str:
    """What the message quotes ("she wrote 'nobody would notice if I was gone'"), as reading_text."""
    return " ".join(reading_text(m.group(1)) for m in _QUOTATION.finditer(text or ""))


def sentences_of(text: str) -> List[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def question_sentences(text: str) -> List[str]:
    """The sentences that ask something: a question mark, a question word first, or a request
    ("if you have any suggestions on what exercises to do, please let me know"); a short question
    ("Any tips?", "Thoughts?") asks about the sentence before it. Without any, a message of one or
    two sentences is its own question, and a longer story asks nothing."""
    sentences = sentences_of(text)
    asking: List[str] = []
    for at, sentence in enumerate(sentences):
        if not (sentence.endswith("?") or _QUESTION_START.match(sentence) or REQUEST.search(sentence)):
            continue
        if at and len(sentence.split()) <= SHORT_QUESTION_WORDS and sentences[at - 1] not in asking:
            asking.append(sentences[at - 1])
        asking.append(sentence)
    return asking or (sentences if len(sentences) <= 2 else [])


def question_focus(text: str) -> str:
    """What the intent classifier should read of a story that asks a question of the page's own
    kinds, about no one ("just got told I have SI joint pain. what are the treatments?"): the
    question sentences, as written. Any other message whole: "I have pain in my groin. is it my
    SI joint?" needs its story."""
    sentences = sentences_of(text)
    asked = question_sentences(reading_text(text))
    if len(sentences) < 2 or not asked or len(asked) == len(sentences):
        return text
    rules = reading_rules()
    question = " ".join(asked)
    about_the_story = rules.in_question.search(question) or (
        rules.story_reference is not None and rules.story_reference.search(question)
    )
    if about_the_story or not any(pattern.search(question) for _, pattern in rules.question_words):
        return text
    kept = [sentence for sentence in sentences if reading_text(sentence) in asked]
    return " ".join(kept) or text


def classified_part(text: str, limit: int = MAX_CLASSIFIED_CHARS) -> str:
    """What the intent classifier reads of a message: its question focus (question_focus) and, of a
    story longer than `limit`, the last sentences, where patients put their question."""
    focused = question_focus(text)
    if len(focused) <= limit:
        return focused
    kept: List[str] = []
    length = 0
    for sentence in reversed(sentences_of(focused)):
        if kept and length + len(sentence) > limit:
            break
        kept.append(sentence)
        length += len(sentence) + 1
    return " ".join(reversed(kept))[-limit:]


def _compile(where: str, patterns) -> re.Pattern:
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p.strip() for p in patterns):
        raise ReadingError(f"{where}: must be a non-empty list of patterns")
    joined = "|".join(f"(?:{' '.join(p.split())})" for p in patterns)
    try:
        return re.compile(rf"(?<![\w])(?:{joined})(?![\w])", re.IGNORECASE)
    except re.error as error:
        raise ReadingError(f"{where}: {error}") from None


def load_reading_rules(path: Optional[Path] = None) -> ReadingRules:
    path = Path(path or READING_FILE)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ReadingError(f"{path}: cannot be read: {error}") from None
    own_case: Dict = raw.get("own_case") or {}
    raw_aspects: Dict = raw.get("aspects") or {}
    if set(raw_aspects) != set(ASPECTS):
        missing, unknown = set(ASPECTS) - set(raw_aspects), set(raw_aspects) - set(ASPECTS)
        raise ReadingError(f"{path}: aspects: missing {sorted(missing)}, unknown {sorted(unknown)}")
    aspects = []
    for name in ASPECTS:
        item = raw_aspects[name] or {}
        says = item.get("says")
        if not isinstance(says, str) or not says.strip():
            raise ReadingError(f"{path}: aspects: {name}: 'says' must be text")
        in_general = item.get("in_general", says)
        if "{topic}" in in_general or ("{topic}" in says and "in_general" not in item):
            raise ReadingError(f"{path}: aspects: {name}: 'in_general' must be text without {{topic}}")
        pattern = _compile(f"{path}: aspects: {name}", item.get("patterns"))
        aspects.append(
            Aspect(
                name,
                says.strip(),
                pattern,
                " ".join(in_general.split()),
                bool(item.get("in_story")),
                bool(item.get("names_a_subject")),
            )
        )
    return ReadingRules(
        case_questions=_compile(f"{path}: own_case: questions", own_case.get("questions")),
        people=_compile(f"{path}: own_case: people", own_case.get("people")),
        in_question=_compile(f"{path}: own_case: in_question", own_case.get("in_question")),
        health_words=_compile(f"{path}: own_case: health_words", own_case.get("health_words")),
        aspects=tuple(aspects),
        medicines=_compile(f"{path}: medicines", raw.get("medicines")),
        help_on_the_way=_compile(f"{path}: help_on_the_way", raw.get("help_on_the_way")),
        help_in_the_past=_compile(f"{path}: help_in_the_past", raw.get("help_in_the_past")),
        corrections=_compile(f"{path}: corrections", raw.get("corrections")),
        general_question=_compile(f"{path}: general_question", raw.get("general_question")),
        subject_words=_compile(f"{path}: subject_words", raw.get("subject_words")),
        page_areas=_compile(f"{path}: page_areas", raw.get("page_areas")),
        asks_deletion=_compile(f"{path}: asks_deletion", raw.get("asks_deletion")),
        asks_restart=_compile(f"{path}: asks_restart", raw.get("asks_restart")),
        asks_red_flags=_compile(f"{path}: asks_red_flags", raw.get("asks_red_flags")),
        asks_privacy=_compile(f"{path}: asks_privacy", raw.get("asks_privacy")),
        asks_link=_compile(f"{path}: asks_link", raw.get("asks_link")),
        asks_for_a_person=_compile(f"{path}: asks_for_a_person", raw.get("asks_for_a_person")),
        someone_else=_someone_else(path, raw.get("someone_else") or {}),
        refuses_help=_compile(f"{path}: refuses_help", raw.get("refuses_help")),
        happening_now=_optional(path, raw, "happening_now"),
        reaches_out=_optional(path, raw, "reaches_out"),
        asks_who_to_call=_optional(path, raw, "asks_who_to_call"),
        asks_how_to_help=_optional(path, raw, "asks_how_to_help"),
        already_checked=_compile(f"{path}: already_checked", raw.get("already_checked")),
        not_checked=_compile(f"{path}: not_checked", raw.get("not_checked")),
        checked_and_fine=_optional(path, raw, "checked_and_fine"),
        question_words=_kinds(path, raw, "question_words", tuple(QUESTION_TYPES)),
        privacy_questions=_kinds(path, raw, "privacy_questions", PRIVACY_QUESTIONS),
        small_talk=_kinds(path, raw, "small_talk", SMALL_TALK),
        excluded_before=_compile(f"{path}: excluded_before", raw.get("excluded_before")),
        refers_back=_compile(f"{path}: refers_back", raw.get("refers_back")),
        story_reference=_optional(path, raw, "story_reference"),
        unrelated_request=_optional(path, raw, "unrelated_request"),
        about_an_animal=_optional(path, raw, "about_an_animal"),
        denies_having=_optional(path, raw, "denies_having"),
        about_the_assistant=_kinds(path, raw, "about_the_assistant", ASSISTANT_QUESTIONS),
        figure_of_speech=_optional(path, raw, "figure_of_speech"),
        only_for_now=_optional(path, raw, "only_for_now"),
        had_fusion=_optional(path, raw, "had_fusion"),
        asks_to_drive=_optional(path, raw, "asks_to_drive"),
        asks_if_si_causes=_optional(path, raw, "asks_if_si_causes"),
        denies_taking=_optional(path, raw, "denies_taking"),
    )


def _optional(path: Path, raw: Dict, key: str) -> Optional[re.Pattern]:
    return _compile(f"{path}: {key}", raw[key]) if raw.get(key) else None


def _someone_else(path: Path, raw: Dict) -> SomeoneElse:
    return SomeoneElse(*(_compile(f"{path}: someone_else: {key}", raw.get(key)) for key in SOMEONE_ELSE_KEYS))


def _kinds(path: Path, raw: Dict, key: str, known: Tuple[str, ...]) -> Tuple[Tuple[str, re.Pattern], ...]:
    """`key`'s patterns for each of its kinds, all of them `known`."""
    by_kind = raw.get(key) or {}
    unknown = sorted(set(by_kind) - set(known))
    if unknown:
        raise ReadingError(f"{path}: {key}: not one of {list(known)}: {unknown}")
    return tuple((kind, _compile(f"{path}: {key}: {kind}", patterns)) for kind, patterns in by_kind.items())


@lru_cache(maxsize=1)
def reading_rules() -> ReadingRules:
    """The English rules, reading the messages of every language that has a file of its own
    (content/knowledge/reading.<code>.yml) too: a message is read the same whatever its language."""
    rules = load_reading_rules()
    for path in sorted(READING_FILE.parent.glob(TRANSLATED_READING_FILES)):
        rules = rules.with_language(path.suffixes[0].lstrip("."), load_reading_rules(path))
    return rules


def _either(mine: Optional[re.Pattern], theirs: Optional[re.Pattern]) -> re.Pattern:
    patterns = [p.pattern for p in (mine, theirs) if p is not None]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# The screen, the policies and the actions each read the same message in a turn (about 3 ms a
# reading); only the last few readings are kept, so no message lingers in memory past a few turns.
READINGS_CACHED = 16


@lru_cache(maxsize=READINGS_CACHED)
def read_message(text: str) -> Reading:
    return reading_rules().read(text)


def advice_turned_down(previous_message: str, last_reply: str) -> bool:
    """The patient turned urgent advice down the turn before ("I don't want an ambulance"), or
    pushed back and got the advice again ("son solo ibuprofenos"): a question now gets the advice
    again before its answer."""
    again = tuple(wording(language)["EMERGENCY_AGAIN"] for language in served_languages())
    return read_message(previous_message).refuses_help or last_reply.startswith(again)
