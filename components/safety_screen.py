"""Two NLU components that put safety before classification.

`MessageLimiter` comes first in the pipeline: the message is read as plain letters
(si_joint/plain_text.py: full-width and look-alike letters, zero-width characters), and a message
longer than the limit reaches the tokenizer and classifier cut to the limit, so a 10,000-character
message costs what a 1,000-character one does; markup around the question (HTML tags, markdown
emphasis) is removed and abbreviations (SIJ, SIJD, LBP) are spelt out, and clauses that deny a
warning sign or put it in the past ("no fever,") are left out, for the classifier only; the full
plain text is kept for the safety check.

`SafetyScreen` comes last: it checks the full message for emergency warning signs in two tiers.
The first (si_joint/emergency_signs.py, reviewed phrases in content/safety/emergency_signs.yml) is
`certain`; the second (si_joint/possible_emergency.py, a classifier trained on
content/safety/emergency_training.yml, with a recall-first threshold) catches other wordings as `possible`,
on messages in which the first tier saw no sign denied or in the past, and not on commands or small
talk. Either makes the intent `emergency` with confidence 1.0 whatever the classifier said, so the
dialogue answers with urgent-care advice first, in a form too; for a `possible` sign the
classifier's intent is kept as `question_intent`, so the question is answered after the advice. The
screen alone decides: when the classifier guesses `emergency` and the screen finds no sign ("I can't
sleep because of the pain", "no fever"), the classifier's next intent is used, so false alarms are
those of the reviewed phrase list, which is tested and measured. Next, a request for a personal
diagnosis, treatment choice, medicine or dose (patterns in content/safety/personal_advice.yml) becomes
`ask_personal_advice`, so it is always declined. Otherwise a message that cannot be classified as it
is (empty, no words, too long, another language, no word the assistant knows: si_joint/known_words.py)
becomes `nlu_fallback` with the reason in
`input_problem` ({kind, length}), which the fallback action answers. Both files are stored in the
model at training time, so a trained model always carries the reviewed phrases it was tested with.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.file_backed import FileBackedComponent, language_examples
from si_joint.emergency_signs import EmergencySigns, Finding, load_emergency_signs
from si_joint.input_checks import (
    MAX_MESSAGE_CHARS,
    OTHER_LANGUAGE,
    SPANISH,
    UNKNOWN_WORDS,
    gesture,
    input_problem,
    text_for_classification,
)
from si_joint.knowledge import load_knowledge
from si_joint.known_words import KnownWords, vocabulary
from si_joint.language_words import ENGLISH, WordTable, language_tables, reply_language, written_in
from si_joint.list_references import list_position
from si_joint.message_reading import (
    ASKS_LANGUAGES,
    SMALL_TALK_INTENTS,
    Reading,
    classified_part,
    read_message,
    reading_rules,
)
from si_joint.page_words import PageWords, english_word_lists, stems_of
from si_joint.parse_data import (
    CERTAIN,
    CERTAINTY,
    CONDITION_NOT_ON_PAGE,
    EMERGENCY_INTENT,
    EMERGENCY_SIGNS,
    FULL_TEXT,
    INPUT_PROBLEM,
    LANGUAGE,
    LIST_ITEM_INTENT,
    LIST_POSITION,
    MENTIONED_SIGNS,
    NOT_COVERED_INTENT,
    OFF_PAGE_WORDS,
    OUT_OF_SCOPE_INTENT,
    PERSONAL_ADVICE_INTENT,
    POSSIBLE,
    QUESTION_INTENT,
    RED_FLAGS_INTENT,
)
from si_joint.personal_advice import PersonalAdvicePatterns, load_personal_advice_patterns
from si_joint.plain_text import plain_text
from si_joint.possible_emergency import PossibleEmergencyClassifier, load_training_examples
from si_joint.question_types import QUESTION_TYPES, specific_question_for
from si_joint.site_settings import served_languages
from si_joint.training_inputs import LANGUAGE_DATA
from si_joint.vocabulary import vocabulary as topic_vocabulary

SIGNS_FILE = "emergency_signs.yml"
TRAINING_FILE = "emergency_training.yml"
ADVICE_FILE = "personal_advice.yml"
KNOWN_WORDS_FILE = "known_words.txt"
WORD_TABLE_FILE = "words_{language}.bin"  # si_joint/language_words.py
PAGE_WORDS_FILE = "{}_words.txt"  # page, common and nouns: si_joint/page_words.py
SHORT_REPLY_INTENTS = ("affirm", "deny", "unsure", "thanks", "greet", "goodbye", "stop", "none_of_these", "complain")
# A question this short, about their case, is a follow-up ("is he right?"), never another subject.
FOLLOW_UP_WORDS = 12
# A question this short is about the conversation so far ("¿duele?", "¿hay estudios más nuevos?").
SHORT_FOLLOW_UP_WORDS = 6
STORY_WORDS = 12
GREETING_WORDS = 4
# "... just wondering what a pelvic belt does": a long message that asks is no "no" or "ok".
QUESTION_WORD = re.compile(r"\b(what|how|why|which|when|where|wonder\w*|curious|want to know)\b", re.IGNORECASE)
MIN_CONFIDENCE_AFTER_DROP = 0.3
MIN_POSSIBLE_SIGN_WORDS = 2
# Questions about warning signs, commands and small talk: the second tier leaves them to their answer.
NOT_POSSIBLE_INTENTS = {RED_FLAGS_INTENT, "goodbye", "thanks", "greet", "affirm", "deny"}
# Commands that answer no advice question.
KEEP_INTENTS = {"start_self_check", "restart", "stop", "forget_me", "ask_privacy"}
# What a question about a condition the page doesn't cover may have been read as: any question the
# knowledge file answers, a story, out of scope about their own case ("my sciatica is killing me
# today"), or nothing placed; not a request for advice, a dose or a command.
CONDITION_INTENTS = frozenset(QUESTION_TYPES) | {
    "ask_most_common",
    NOT_COVERED_INTENT,
    OUT_OF_SCOPE_INTENT,
    "express_feelings",
    DEFAULT_NLU_FALLBACK_INTENT_NAME,
}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class MessageLimiter(FileBackedComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"signs_file": "content/safety/emergency_signs.yml"}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        signs: Optional[EmergencySigns] = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._signs = signs

    def read_files(self, directory: Path) -> None:
        self._signs = load_emergency_signs(directory / SIGNS_FILE)

    def train(self, training_data: TrainingData) -> Resource:
        self._signs = load_emergency_signs(self.project_path("signs_file"))
        with self._model_storage.write_to(self._resource) as directory:
            store_signs_files(self._signs, Path(directory))
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            plain = plain_text(text)
            message.set(FULL_TEXT, plain, add_to_output=True)
            classified = self._text_for_classifier(plain[:MAX_MESSAGE_CHARS])
            if classified != text:
                message.set(TEXT, classified)
        return messages

    def _text_for_classifier(self, text: str) -> str:
        """The message without markup, with abbreviations spelt out, and without the clauses that
        deny a warning sign or put it in the past: "no fever, my bladder is fine. what treatments
        are there?" is a question about treatments (the safety screen still reads the full text)."""
        classified = classified_part(text_for_classification(text))
        if self._signs is None:
            return classified
        return self._signs.without_denied(classified, keep_questions=True) or classified


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetyScreen(FileBackedComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "signs_file": "content/safety/emergency_signs.yml",
            "personal_advice_file": "content/safety/personal_advice.yml",
            "emergency_training_file": "content/safety/emergency_training.yml",
            "knowledge_file": "content/knowledge/si_joint.yml",
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        self._signs: Optional[EmergencySigns] = None
        self._advice: Optional[PersonalAdvicePatterns] = None
        self._possible: Optional[PossibleEmergencyClassifier] = None
        self._known: Optional[KnownWords] = None
        self._word_tables: Dict[str, WordTable] = {}
        self._page_words: Optional[PageWords] = None
        # The languages answered in (content/settings/site.yml); the others get a short notice.
        self._served = served_languages()

    def read_files(self, directory: Path) -> None:
        self._signs = load_emergency_signs(directory / SIGNS_FILE)
        self._advice = load_personal_advice_patterns(directory / ADVICE_FILE)
        self._possible = PossibleEmergencyClassifier(load_training_examples(directory / TRAINING_FILE))
        self._word_tables = {
            language: WordTable.load(directory / WORD_TABLE_FILE.format(language=language))
            for language in screened_languages(self._signs)
        }
        words = (directory / KNOWN_WORDS_FILE).read_text(encoding="utf-8").split()
        self._known = KnownWords(words, self._served_dictionaries())
        self._page_words = PageWords.load(directory, PAGE_WORDS_FILE)

    def train(self, training_data: TrainingData) -> Resource:
        signs, advice, examples = (
            self.project_path(key) for key in ("signs_file", "personal_advice_file", "emergency_training_file")
        )
        self._signs = load_emergency_signs(signs)  # refuse to train on a broken file
        self._advice = load_personal_advice_patterns(advice)
        emergency_examples = load_training_examples(examples)
        self._possible = PossibleEmergencyClassifier(emergency_examples)
        other_languages = [language_examples(folder) for folder in LANGUAGE_DATA.values()]
        words = vocabulary(training_texts(training_data, emergency_examples, *other_languages))
        self._word_tables = language_tables(screened_languages(self._signs))
        self._known = KnownWords(words, self._served_dictionaries())
        english = english_word_lists()
        warnings = [category.warning for category in self._signs.categories.values()]
        page = page_stems(self.project_path("knowledge_file"), warnings)
        self._page_words = PageWords(page, **english)
        with self._model_storage.write_to(self._resource) as directory:
            self._page_words.save(Path(directory), PAGE_WORDS_FILE)
            store_signs_files(self._signs, Path(directory))
            for language, table in self._word_tables.items():
                table.save(Path(directory) / WORD_TABLE_FILE.format(language=language))
            for source, name in ((advice, ADVICE_FILE), (examples, TRAINING_FILE)):
                (Path(directory) / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
            (Path(directory) / KNOWN_WORDS_FILE).write_text("\n".join(sorted(words)), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(FULL_TEXT) or message.get(TEXT) or ""
            language = written_in(text, self._word_tables) if self._word_tables else None
            message.set(LANGUAGE, language if language in self._served else None, add_to_output=True)
            findings = (self._signs.find(text) or self._reported_after_all(text)) if self._signs else []
            if findings:
                language = _advice_language(self._word_tables, text, findings)
                signs = [
                    {
                        "sign": f.sign,
                        "category": f.category,
                        "matched": f.matched,
                        CERTAINTY: CERTAIN,
                        "language": language,
                    }
                    for f in findings
                ]
                message.set(EMERGENCY_SIGNS, signs, add_to_output=True)
                override_intent(message, EMERGENCY_INTENT)
                continue
            question = _intent_name(message)
            # "what if I lost bladder control, what would that mean?" guessed as a red-flags question
            # without its words is no red-flags question: the sign is still possible, or mentioned.
            reading = read_message(text)
            guessed_without_words = _unasked_intents(message, reading).get(question or "", False)
            not_possible = (
                question in KEEP_INTENTS
                or (question in NOT_POSSIBLE_INTENTS and not guessed_without_words)
                or reading.about_an_animal
            )
            possible = None if not_possible else self._possible_sign(text)
            if possible:
                message.set(EMERGENCY_SIGNS, [possible], add_to_output=True)
                message.set(QUESTION_INTENT, None if question == EMERGENCY_INTENT else question, add_to_output=True)
                override_intent(message, EMERGENCY_INTENT)
                continue
            if _intent_name(message) == EMERGENCY_INTENT:
                # An emergency only the classifier saw, then its next guess: that must be a real one.
                _drop_intent(message, EMERGENCY_INTENT)
                _fall_back_if_unsure(message)
            self._mark_off_page_words(message, text)
            _drop_unasked_intents(message, reading)
            _intent_from_reading(message, reading)
            if reading.small_talk in SMALL_TALK_INTENTS:
                continue  # "dale, gracias che": thanks, whatever language the words look like
            position = list_position(text)
            if position is not None:
                message.set(LIST_POSITION, position, add_to_output=True)
                override_intent(message, LIST_ITEM_INTENT)
                continue
            if self._advice and _intent_name(message) not in KEEP_INTENTS and self._advice.matches(text):
                override_intent(message, PERSONAL_ADVICE_INTENT)
                continue
            waved = gesture(text)
            if waved:
                override_intent(message, waved)  # "🙏🙏": thanks, not "I can only read words"
                continue
            problem = input_problem(text, self._served)
            if problem in (OTHER_LANGUAGE, SPANISH) and message.get(LANGUAGE) in set(self._served) - {ENGLISH}:
                problem = None  # too few common words to tell, but the word tables say it is served
            if not problem and self._known is not None and not self._known.knows_any(text):
                problem = UNKNOWN_WORDS
            if problem:
                message.set(INPUT_PROBLEM, {"kind": problem, "length": len(text)}, add_to_output=True)
                override_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
                continue
            self._mark_condition_not_on_page(message, text)
            if not not_possible or _intent_name(message) == RED_FLAGS_INTENT:
                # "if someone's legs both went weak, is that an emergency?": the list of warning
                # signs answers it; "it's happening to my mum right now" next is a report.
                self._mark_mentioned_sign(message, text)
        return messages

    def _mark_condition_not_on_page(self, message: Message, text: str) -> None:
        """An English question about a condition the page doesn't cover, without the SI joint ("what
        helps a bulging disc?"), is told so (actions/context_actions.py), not given an SI joint answer."""
        intent = _intent_name(message)
        if intent not in CONDITION_INTENTS or reply_language(text, self._word_tables) != ENGLISH:
            return
        reading = read_message(text)
        if intent == OUT_OF_SCOPE_INTENT and not (reading.own_case and (reading.case_question or not reading.asks)):
            return  # "how do I treat sciatica?" hears the scope reply; "my sciatica is killing me", this
        condition = topic_vocabulary().condition_not_on_page(text_for_classification(text))
        classified = message.get(TEXT) or ""
        named = [classified[e.get("start", 0) : e.get("end", 0)].lower() for e in message.get(ENTITIES) or []]
        if condition and not any(condition.lower() in words for words in named):
            # "is inflammatory arthritis one of the causes?" names the page's inflammatory arthropathy.
            message.set(CONDITION_NOT_ON_PAGE, condition, add_to_output=True)
            override_intent(message, NOT_COVERED_INTENT)

    def _served_dictionaries(self) -> List[WordTable]:
        """The word tables of the other languages answered in: their words are known words."""
        tables = self._word_tables.items()
        return [table for language, table in tables if language != ENGLISH and language in self._served]

    def _mark_off_page_words(self, message: Message, text: str) -> None:
        """The words of an English question that the page never uses (si_joint/page_words.py)."""
        if self._page_words is None or reply_language(text, self._word_tables) != ENGLISH:
            return
        others = [table for language, table in self._word_tables.items() if language != ENGLISH]
        words = [
            w
            for w in self._page_words.off_page(text_for_classification(text))
            if not any(w in table for table in others)
        ]  # "mi mama tiene SI joint pain"
        if words:
            message.set(OFF_PAGE_WORDS, words, add_to_output=True)

    def _reported_after_all(self, text: str) -> List[Finding]:
        """A sign asked about, then said to be happening ("can SI joint problems cause incontinence?
        it's been happening to me since Tuesday"): a report."""
        return self._signs.mentioned(text) if self._signs and read_message(text).happening_now else []

    def _mark_mentioned_sign(self, message: Message, text: str) -> None:
        """A sign a question names but denies, puts in the past or asks about ("what does it mean if
        back pain comes with numbness in the groin?"): the reply starts with one conditional line
        (policies/emergency_follow_up.py, actions/safety_actions.py). The intent stays the question's."""
        reading = read_message(text)
        if not self._signs or not reading.asks or reading.about_an_animal:
            return
        found = self._signs.mentioned(text)[:1]
        signs = [{"sign": f.sign, "category": f.category, "matched": f.matched, "language": f.language} for f in found]
        if signs:
            message.set(MENTIONED_SIGNS, signs, add_to_output=True)

    def _possible_sign(self, text: str) -> Optional[Dict[str, Any]]:
        """The second tier: a sign the classifier finds in a message where the first tier saw no sign
        denied or in the past."""
        if not self._possible or not self._signs or len(text.split()) < MIN_POSSIBLE_SIGN_WORDS:
            # "and?", "huh": one word tells the classifier nothing; a sign said in a word is the first tier's.
            return None
        if self._signs.without_denied(text) != text:
            # The patient said how a sign stands ("no fever", "I fell years ago"): the first tier
            # read that, and the classifier, which cannot, would raise false alarms on it.
            return None
        found = self._possible.possible_sign(text)
        if found is None:
            return None
        return {
            "sign": "possible_" + found.category,
            "category": found.category,
            "matched": "",
            CERTAINTY: POSSIBLE,
            "probability": round(found.probability, 3),
        }


def _drop_unasked_intents(message: Message, reading: Reading) -> None:
    """The classifier's guess stands only with the words it needs: a story is never taken for a
    request to delete the conversation or start over, nor a question about the SI joint for
    an off-topic one."""
    unasked = _unasked_intents(message, reading)
    if (message.get(TEXT) or "").startswith("/"):
        return  # a button's payload
    dropped = False
    for _ in unasked:
        intent = _intent_name(message)
        if not unasked.get(intent or ""):
            break
        _drop_intent(message, intent or "")
        dropped = True
    if dropped:
        _fall_back_if_unsure(message)


def _unasked_intents(message: Message, reading: Reading) -> Dict[str, bool]:
    """Each intent the classifier may guess, and whether the message lacks the words it needs."""
    in_scope_story = reading.page_area and (reading.own_case or bool(reading.aspects))
    # A story about their case is no "ok", "no" or "thanks", whatever the classifier says.
    story = reading.words > STORY_WORDS and (
        reading.own_case
        or bool(reading.aspects)
        or reading.asks
        or bool(QUESTION_WORD.search(message.get(FULL_TEXT) or message.get(TEXT) or ""))
    )
    unasked = {
        "forget_me": not reading.asks_deletion,
        "restart": not reading.asks_restart,
        RED_FLAGS_INTENT: not reading.asks_red_flags,
        # "thank you, this helped me understand my mom's situation" asks nothing about privacy.
        "ask_privacy": not reading.asks and not reading.asks_privacy,
        OUT_OF_SCOPE_INTENT: reading.on_subject or in_scope_story,
        # "my surgeon says yes. is he right?" is a question about their case, not a "yes"; "ok and
        # where would I get one?" asks what the page doesn't say.
        **dict.fromkeys(
            SHORT_REPLY_INTENTS, story or bool(reading.aspects) or (reading.asks and reading.case_question)
        ),
        "express_feelings": story and reading.asks,  # feelings, then a question: the question
        # "Hola, tengo dolor en el glúteo desde hace un año": a greeting that goes on about their pain.
        "greet": story or (reading.words > GREETING_WORDS and (reading.on_subject or reading.own_case or reading.asks)),
        LIST_ITEM_INTENT: True,  # only this screen says a message points into a list
        EMERGENCY_INTENT: True,  # only this screen says a message shows a warning sign
    }
    return unasked


def _fall_back_if_unsure(message: Message) -> None:
    """After the classifier's first guess is dropped, a next guess below MIN_CONFIDENCE_AFTER_DROP
    is a guess: the fallback reads the message instead."""
    if ((message.get(INTENT) or {}).get("confidence") or 0) < MIN_CONFIDENCE_AFTER_DROP:
        override_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)


MAX_LANGUAGE_QUESTION_WORDS = 12
# Replies that only answer the assistant: "no, I meant the hip" is a question about the hip.
ANSWER_INTENTS = {"deny", "affirm", DEFAULT_NLU_FALLBACK_INTENT_NAME, OUT_OF_SCOPE_INTENT, "none_of_these"}
# What a patient says rather than asks: a question with an aspect and the SI joint is not one of these.
FEELING_INTENTS = (set(SHORT_REPLY_INTENTS) - {"stop", "none_of_these"}) | {"express_feelings"}


def _intent_from_reading(message: Message, reading: Reading) -> None:
    """Questions the reading recognises whatever the classifier guessed: about privacy, "link?",
    and a correction that names a topic."""
    intent = _intent_name(message)
    if (message.get(TEXT) or "").startswith("/") or intent in {"forget_me", "ask_privacy"}:
        return
    if reading.small_talk in SMALL_TALK_INTENTS:
        # "g'day from Perth, you awake?", "cheers, that's me done for tonight": that, whatever was guessed.
        override_intent(message, reading.small_talk)
    elif reading.small_talk == ASKS_LANGUAGES and reading.words <= MAX_LANGUAGE_QUESTION_WORDS:
        # "can you speak Hindi?": the fallback says which languages are answered.
        override_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
    elif reading.asks_privacy:
        override_intent(message, "ask_privacy")
    elif reading.asks_link:
        override_intent(message, "ask_source")
    elif reading.about_the_assistant and not (reading.question_types or reading.aspects or reading.on_subject):
        # "¿eres doctor?", "what are you even for?": about the assistant, whatever was guessed.
        override_intent(message, reading.about_the_assistant)
    elif reading.about_an_animal:
        # "my dachshund's back legs are wobbly, is it his SI joint?": the page is about people; a vet.
        override_intent(message, OUT_OF_SCOPE_INTENT)
    elif reading.unrelated_request and not (reading.on_subject or reading.aspects):
        # "write me a cover letter", "a lasagne recipe please": another subject, whatever was guessed.
        override_intent(message, OUT_OF_SCOPE_INTENT)
    elif (
        intent in {OUT_OF_SCOPE_INTENT, DEFAULT_NLU_FALLBACK_INTENT_NAME}
        and reading.aspects
        and (
            reading.refers_back
            or bool(message.get(ENTITIES))
            or (intent == DEFAULT_NLU_FALLBACK_INTENT_NAME and reading.asks and reading.words <= SHORT_FOLLOW_UP_WORDS)
        )
    ):
        # "what about cost then", "what is the price of the fusion surgery?", "¿duele?": what the page
        # doesn't say about the topic; "what is the price of gold today" is another subject.
        override_intent(message, NOT_COVERED_INTENT)
    elif intent in FEELING_INTENTS and reading.asks and reading.aspects and reading.on_subject:
        # "does SI joint dysfunction run in families" guessed as feelings: a question the page doesn't answer.
        override_intent(message, NOT_COVERED_INTENT)
    elif intent == OUT_OF_SCOPE_INTENT and reading.asks and reading.case_question and reading.words <= FOLLOW_UP_WORDS:
        # "my surgeon says yes. is he right?": a question about their case, not another subject.
        override_intent(message, NOT_COVERED_INTENT)
    elif _names_another_question_only(intent, reading) and _confidence(message) < MAX_CONFIDENCE_AGAINST_WORDS:
        # "what are common SI joint symptoms" guessed as a prevalence question: it asks about symptoms.
        override_intent(message, reading.question_types[0])
    elif reading.correction and intent in ANSWER_INTENTS:
        named = [e.get("entity") for e in message.get(ENTITIES) or []]
        question = next((q for q in map(specific_question_for, named) if q), None)
        if question:
            override_intent(message, question)


# Guesses that place a question nowhere on the page: "what actually is the SI joint?" read as a
# question the page doesn't answer, "¿y qué porcentaje es de la sacroilíaca?" not placed at all.
UNPLACED_INTENTS = frozenset({NOT_COVERED_INTENT, DEFAULT_NLU_FALLBACK_INTENT_NAME})
# A guess this sure stands even against the question's words: "does sij cause a lot of lbp" is
# about how common it is, though only "cause" is a question word.
MAX_CONFIDENCE_AGAINST_WORDS = 0.9


def _confidence(message: Message) -> float:
    return float((message.get(INTENT) or {}).get("confidence") or 0)


def _names_another_question_only(intent: Optional[str], reading: Reading) -> bool:
    """The guess is a question with words of its own (content/knowledge/reading.yml: question_words)
    or places the question nowhere, and the question names one such question, not the guessed one."""
    worded = {name for name, _ in reading_rules().question_words}
    named = reading.question_types
    guessed = intent in worded or intent in UNPLACED_INTENTS
    return guessed and intent not in named and len(named) == 1 and named[0] in worded


def screened_languages(signs: EmergencySigns) -> List[str]:
    return [signs.language, *signs.translations]


def _advice_language(tables: Dict[str, WordTable], text: str, findings: List[Finding]) -> str:
    """The language the message is written in, of those the signs serve; on a tie, the one whose
    signs were found."""
    found_in = {f.language for f in findings}
    return reply_language(text, tables, found_in.pop() if len(found_in) == 1 else None)


def store_signs_files(signs: EmergencySigns, directory: Path) -> None:
    """The signs file (as SIGNS_FILE) and its translations (under their own names, as it names them)."""
    for source in signs.files:
        name = SIGNS_FILE if source == signs.path else source.name
        (directory / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


def training_texts(
    training_data: TrainingData, emergency_examples: Dict[str, List[str]], *other_languages: TrainingData
) -> List[str]:
    """Every text the assistant was trained on: NLU examples (of every language), lookup tables,
    emergency examples."""
    examples = [e for data in (training_data, *other_languages) for e in data.training_examples]
    texts = [example.get(TEXT) or "" for example in examples]
    texts += [str(element) for table in training_data.lookup_tables for element in table.get("elements") or []]
    return texts + [text for kind in emergency_examples.values() for text in kind]


def page_stems(knowledge_file: Path, warnings: List[str]) -> FrozenSet[str]:
    """The words the page is about: the knowledge file's text, the warning signs it names, and the
    vocabulary's words of the SI joint and of its questions ("dysfunction", "appointment"). Not the
    training questions: their words ("yoga", "chiropractor", "mattress") are what the page doesn't
    cover as often as what it does."""
    knowledge = load_knowledge(knowledge_file)
    texts = [text for e in knowledge.entries.values() for text in (e.title, e.answer, e.details or "", *e.aliases)]
    texts += warnings
    texts += topic_vocabulary().subject_terms
    return stems_of(texts)


def _intent_name(message: Message) -> Optional[str]:
    return (message.get(INTENT) or {}).get("name")


def _drop_intent(message: Message, intent_name: str) -> None:
    ranking = [i for i in message.get(INTENT_RANKING_KEY) or [] if i.get("name") != intent_name]
    if ranking:
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def override_intent(message: Message, intent_name: str) -> None:
    """Makes `intent_name` the message's intent with confidence 1.0, the rest ranked after it."""
    intent = {"name": intent_name, "confidence": 1.0}
    ranking = [i for i in message.get(INTENT_RANKING_KEY) or [] if i.get("name") != intent_name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
