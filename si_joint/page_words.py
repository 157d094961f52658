"""The things a question names that the page never mentions ("what muscles ...", "which mattress"),
so the reply can say that the page doesn't mention them, instead of presenting the nearest paragraph
as if it answered.

A word of what the message asks (its question-mark sentences and requests, not its story) is off the
page when it is a noun (`nouns`: spaCy's English lemma index and lookup table, in the pinned
spacy-lookups-data wheel; no verb form such as "woke", no name written with a capital) and none of:
- a word of the knowledge file or of the training questions (`page` words), or a typo of one;
- a common English word: a stop word, one of the COMMON_RANK most frequent words, or a form of a
  word that is never a noun, so "contribute" or "severe" never count;
- shorter than MIN_CHARS letters ("pls", "sij"), a word ending in "-ing" ("my moaning").
The lists are built at training time and stored in the model. Framework-free.
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
from importlib import resources
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List

from spacy.lang.en.stop_words import STOP_WORDS

from si_joint.message_reading import REQUEST, reading_text, sentences_of
from si_joint.plain_text import plain_text

COMMON_RANK = 5000
MIN_CHARS = 4
MAX_NAMED = 3
MAX_QUESTION_WORDS = 30  # a longer "question" is a story that happens to end in a question mark
TYPO_MIN_RATIO = 0.8
_WORD = re.compile(r"[a-z]+")
_CONTRACTED = ("nt", "re", "ve", "ll")  # "aren't", "you're", "they've", "we'll" without the apostrophe
_SUFFIXES = (
    ("ies", "y"),
    ("ying", "y"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("sses", "ss"),
    ("xes", "x"),
    ("ing", ""),
    ("ed", ""),
    ("ss", "ss"),
    ("s", ""),
    ("ly", ""),
)
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")  # a capital inside a sentence: "Dr. Eric Kelts", "America"
# "Any tips?" asks about the sentence before it.
_ABOUT_THE_STORY = re.compile(r"^((any|some) )?(tips|advice|ideas|thoughts|suggestions|help|recommendations)\W*$")


def word_stem(word: str) -> str:
    """A crude stem, enough to match "stretches" with "stretching" and "muscles" with "muscle"."""
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: len(word) - len(suffix)] + replacement
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def stems_of(texts: Iterable[str]) -> FrozenSet[str]:
    return frozenset(word_stem(word) for text in texts for word in _WORD.findall(reading_text(text)))


def asked_sentences(text: str) -> List[str]:
    """The sentences of `text` (read as reading_text) that ask: a question mark or a request, of at
    most MAX_QUESTION_WORDS words; "Any tips?" brings the sentence before it; a message of one or two
    sentences asks with all of them."""
    sentences = sentences_of(text)
    asked: List[str] = []
    for at, sentence in enumerate(sentences):
        if not (sentence.endswith("?") or REQUEST.search(sentence)):
            continue
        if at and _ABOUT_THE_STORY.match(sentence):
            asked.append(sentences[at - 1])
        asked.append(sentence)
    if not asked and len(sentences) <= 2:
        asked = sentences
    return [s for s in asked if len(s.split()) <= MAX_QUESTION_WORDS]


def _lookups_table(name: str) -> Dict:
    source = resources.files("spacy_lookups_data").joinpath("data").joinpath(f"en_{name}.json.gz")
    return json.loads(gzip.decompress(source.read_bytes()))


def english_word_lists() -> Dict[str, FrozenSet[str]]:
    """`common` and `nouns`, from spacy-lookups-data (at training time)."""
    probabilities: Dict[str, float] = _lookups_table("lexeme_prob")
    frequent = sorted(probabilities, key=probabilities.__getitem__, reverse=True)[:COMMON_RANK]
    index = _lookups_table("lemma_index")
    nouns, verbs = set(index["noun"]), set(index["verb"])
    not_nouns = (verbs | set(index["adj"]) | set(index["adv"])) - nouns
    lookup: Dict[str, str] = _lookups_table("lemma_lookup")
    common = (*frequent, *not_nouns, *(form for form, lemma in lookup.items() if lemma in not_nouns), *STOP_WORDS)
    # A plural is a noun form; "woke" (wake) or "hobbled" (hobble) is a verb form.
    noun_forms = (
        form for form, lemma in lookup.items() if lemma in nouns and (lemma not in verbs or form.endswith("s"))
    )
    return {"common": _words(common), "nouns": _words((*nouns, *noun_forms))}


def _words(words: Iterable[str]) -> FrozenSet[str]:
    return frozenset(word.lower() for word in words if _WORD.fullmatch(word.lower()))


class PageWords:
    LISTS = ("page", "common", "nouns")

    def __init__(self, page: Iterable[str], common: Iterable[str], nouns: Iterable[str]) -> None:
        self.page, self.common, self.nouns = frozenset(page), frozenset(common), frozenset(nouns)
        self._by_first_letter: Dict[str, List[str]] = {}
        for stem in sorted(self.page):
            self._by_first_letter.setdefault(stem[0], []).append(stem)

    @classmethod
    def load(cls, directory: Path, file_name: str) -> PageWords:
        return cls(*(Path(directory, file_name.format(name)).read_text(encoding="utf-8").split() for name in cls.LISTS))

    def save(self, directory: Path, file_name: str) -> None:
        for name in self.LISTS:
            Path(directory, file_name.format(name)).write_text("\n".join(sorted(getattr(self, name))), encoding="utf-8")

    def off_page(self, text: str) -> List[str]:
        """The off-page nouns of what the message asks, in order, at most MAX_NAMED."""
        names = {name.lower() for name in _NAME.findall(plain_text(text or ""))}
        found: List[str] = []
        for word in _WORD.findall(" ".join(asked_sentences(reading_text(text)))):
            if len(word) < MIN_CHARS or word in found or word in names or not self._is_a_subject(word):
                continue
            stem = word_stem(word)
            if stem not in self.page and not self._is_a_typo(stem):
                found.append(word)
        return found[:MAX_NAMED]

    def _is_a_subject(self, word: str) -> bool:
        if word.endswith("ing") or (word[-2:] in _CONTRACTED and word[:-2] in self.common):
            return False
        return word in self.nouns and word not in self.common

    def _is_a_typo(self, stem: str) -> bool:
        matcher = difflib.SequenceMatcher(None, "", stem)
        for known in self._by_first_letter.get(stem[0], ()):
            if abs(len(known) - len(stem)) > 2:
                continue
            matcher.set_seq1(known)
            if matcher.quick_ratio() >= TYPO_MIN_RATIO and matcher.ratio() >= TYPO_MIN_RATIO:
                return True
        return False
