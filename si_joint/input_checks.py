"""Checks on a raw patient message that decide whether the classifier's answer can be trusted at all."""

from __future__ import annotations

import re
from typing import Iterable, List, Optional

from si_joint.message_limits import MAX_ANSWERED_CHARS
from si_joint.plain_text import without_accents

MAX_MESSAGE_CHARS = MAX_ANSWERED_CHARS

EMPTY = "empty"
NO_WORDS = "no_words"
TOO_LONG = "too_long"
OTHER_LANGUAGE = "other_language"
SPANISH = "spanish"  # answered in Spanish, with the emergency number, until Spanish is served
UNKNOWN_WORDS = "unknown_words"  # decided by si_joint.known_words, with the model's vocabulary

# Common words of other languages patients may write in, that are not also English words; with and
# without accents (the classifier reads them folded, see si_joint/plain_text.py).
_LANGUAGE_WORDS = {
    language: frozenset(w for word in words.split() for w in (word, without_accents(word)))
    for language, words in {
        "es": """que qué el los las por para una del mi tengo cómo como está estoy hola gracias pero muy
                 también puedo hay articulación sacroilíaca espalda duele dolor cadera pierna nalga tiene
                 hijo hija mamá papá madre padre esposo esposa tratamiento cirugía síntomas causas cuál
                 cuáles puede la de y se con sin al lo le ya hace desde mucho porque cuando orina piernas
                 fiebre pecho caí cayó abuela abuelo siento puedo quiero vivir morir pastillas ayer hoy""",
        "fr": """je le les des est une mon ma avec pas bonjour merci jai cest quest douleur suis ai il elle
                 depuis et lui fait hier au du dans très mais""",
        "de": "ich der das ist und nicht mein meine habe schmerzen rücken hallo danke wie mit ein eine sie seit",
        "pt": "eu não tenho dor com uma olá obrigado você meu minha costas",
        "it": "io il della sono ho dolore ciao grazie anche che mio schiena",
        "nl": "ik het een niet mijn vader moeder heb pijn rug van en trap",
    }.items()
}
_OTHER_LANGUAGE_WORDS = frozenset().union(*_LANGUAGE_WORDS.values())
_ENGLISH_WORDS = frozenset(
    """
    the is are what my i me and of to it how do does can you a in for have with pain joint si
    this that why when where which who back hip leg should could would will am be
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", re.UNICODE)


# A message of gestures only: thanks (🙏 👍 ❤️) or a wave (👋), read as those words. Skin tones and
# the emoji variation selector are ignored.
_GESTURES = {"thanks": frozenset("🙏👍👌❤♥💕💖💙💚💜🧡💛😊🙂🥰😍💯✅👏🤝🤗☺"), "greet": frozenset("👋")}
_GESTURE_MARKS = re.compile("[\\s\ufe0f\u200d\U0001f3fb-\U0001f3ff!.]")


def gesture(text: Optional[str]) -> Optional[str]:
    """The intent of a message made only of gestures ("🙏🙏" is thanks), or None."""
    signs = set(_GESTURE_MARKS.sub("", text or ""))
    return next((intent for intent, marks in _GESTURES.items() if signs and signs <= marks), None)


def input_problem(
    text: Optional[str], served: Iterable[str] = ("en",), max_chars: int = MAX_MESSAGE_CHARS
) -> Optional[str]:
    """Why a message cannot be classified as it is (EMPTY, NO_WORDS, TOO_LONG, OTHER_LANGUAGE, or
    SPANISH while Spanish is not among the `served` languages), or None when it can."""
    text = (text or "").strip()
    if not text:
        return EMPTY
    if len(text) > max_chars:
        return TOO_LONG
    if not re.search(r"[^\W_]", _HTML_TAG.sub(" ", text)):
        return NO_WORDS  # emoji, punctuation, symbols or markup only ("<img src=x onerror=...>")
    words = _words(text)
    if not words:
        return None  # digits only, such as a numbered reply
    if _looks_foreign(words):
        language = likely_language(text)
        if language in tuple(served):
            return None
        return SPANISH if language == "es" else OTHER_LANGUAGE
    return None


def _looks_foreign(words: list) -> bool:
    letters = "".join(words)
    latin = sum(1 for ch in letters if "a" <= ch <= "z")
    if latin < len(letters) / 2:
        return True  # mostly another script: Cyrillic, Greek, Arabic, Chinese, ...
    foreign = sum(1 for w in words if w in _OTHER_LANGUAGE_WORDS)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    return foreign >= 2 and foreign > english


def likely_language(text: str) -> Optional[str]:
    """The language (of those in _LANGUAGE_WORDS) most of whose common words the text has, if any."""
    words = _words(text)
    counts = {language: sum(1 for w in words if w in known) for language, known in _LANGUAGE_WORDS.items()}
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] >= 2 else None


# A greeting alone names its language: "hola" opens most Spanish conversations.
_GREETINGS = {"es": ("hola", "buenas", "buenos dias", "buenas tardes", "buenas noches", "saludos", "que tal")}


def greeting_language(text: str) -> Optional[str]:
    """The language whose greeting the whole message is ("Hola!", "buenas tardes"), if any."""
    words = " ".join(_words(without_accents(text or "")))
    return next((language for language, greetings in _GREETINGS.items() if words in greetings), None)


def _words(text: Optional[str]) -> List[str]:
    """The message's words, lower case, apostrophes dropped ("can't" is "cant")."""
    return [re.sub("['\u2019]", "", w.lower()) for w in _WORD.findall(text or "")]


# --- Text the classifier sees -------------------------------------------------------------------
# Markup pasted around a real question ("<i>how is it treated</i>", "**what causes it**") and the
# abbreviations patients use are normalised before classification only: the safety screen always
# checks the full raw message.
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,200})?/?>")
_HTML_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&apos;": "'", "&lt;": "<", "&gt;": ">"}
_MARKDOWN_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|~~|`{1,3})(?=\S)(.+?)(?<=\S)\1")
_MARKDOWN_LINE_MARKERS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s*|[-*+]\s+)", re.MULTILINE)
_ABBREVIATIONS = (
    (re.compile(r"\bsijd\b", re.IGNORECASE), "si joint dysfunction"),
    (re.compile(r"\bsijs\b", re.IGNORECASE), "si joints"),
    (re.compile(r"\bsij\b", re.IGNORECASE), "si joint"),
    (re.compile(r"\bclbp\b", re.IGNORECASE), "chronic lower back pain"),
    (re.compile(r"\blbp\b", re.IGNORECASE), "lower back pain"),
    # Clinical shorthand a patient picks up from notes: dx, tx, sx.
    (re.compile(r"\bdx\b", re.IGNORECASE), "diagnosis"),
    (re.compile(r"\btx\b", re.IGNORECASE), "treatment"),
    (re.compile(r"\bsx\b", re.IGNORECASE), "symptoms"),
)


def strip_markup(text: str) -> str:
    """The message without HTML tags and markdown emphasis, whitespace collapsed. A message that is
    nothing but markup is returned unchanged, so the input checks still see what was sent."""
    stripped = _HTML_TAG.sub(" ", text)
    for entity, plain in _HTML_ENTITIES.items():
        stripped = stripped.replace(entity, plain)
    for _ in range(2):  # nested emphasis: ***bold italic***, **_both_**
        stripped = _MARKDOWN_EMPHASIS.sub(r"\2", stripped)
    stripped = _MARKDOWN_LINE_MARKERS.sub("", stripped)
    stripped = re.sub(r"\s+([?.!,;:])", r"\1", " ".join(stripped.split()))
    return stripped if re.search(r"[^\W_]", stripped) else text


def expand_abbreviations(text: str) -> str:
    """SIJ -> si joint, SIJD -> si joint dysfunction, LBP -> lower back pain, dx -> diagnosis."""
    for pattern, words in _ABBREVIATIONS:
        text = pattern.sub(words, text)
    return text


# "holaaa", "hiiii", "pleeease": a letter said three or more times is said once (no word needs it).
_DRAWN_OUT = re.compile(r"([^\W\d_])\1{2,}")


def text_for_classification(text: str) -> str:
    return _DRAWN_OUT.sub(r"\1", expand_abbreviations(strip_markup(text or "")))
