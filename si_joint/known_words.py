"""Whether a message has any word the assistant knows. A message with none ("zxqv blorp wug") is
asked to be said again; that is decided here, not by how the classifier happens to score its
nearest intent on one training run.

Known: the words of the training examples and lookup tables (kept in the model), the English word
forms of spaCy's lemma table (shipped in the pinned spacy-lookups-data package), and, for words of
MIN_TYPO_CHARS letters or more, a typo of a training word ("symptons", "sacroilliac").
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Container, Dict, FrozenSet, Iterable, List

from si_joint.plain_text import without_accents

MIN_TYPO_CHARS = 5
TYPO_MIN_RATIO = 0.8
_WORD = re.compile(r"[^\W\d_]{2,}")


def words_of(text: str) -> List[str]:
    """The words of two letters or more, lower-cased."""
    return [word.lower() for word in _WORD.findall(text or "")]


class KnownWords:
    def __init__(self, training_words: Iterable[str], dictionaries: Iterable[Container[str]] = ()) -> None:
        """`dictionaries`: the word tables of the other languages served (unaccented words)."""
        self.training_words = frozenset(training_words)
        self._dictionaries = tuple(dictionaries)
        self._by_first_letter: Dict[str, List[str]] = {}
        for word in sorted(self.training_words):
            self._by_first_letter.setdefault(word[0], []).append(word)

    def knows_any(self, text: str) -> bool:
        """True when a word of `text` is known, or when it has no word to judge (digits, "k")."""
        words = words_of(text)
        return not words or any(self.knows(word) for word in words)

    def knows(self, word: str) -> bool:
        return (
            word in self.training_words
            or word in english_words()
            or any(without_accents(word) in dictionary for dictionary in self._dictionaries)
            or self._is_a_typo(word)
        )

    def _is_a_typo(self, word: str) -> bool:
        if len(word) < MIN_TYPO_CHARS:
            return False
        candidates = (known for known in self._by_first_letter.get(word[0], ()) if abs(len(known) - len(word)) <= 2)
        return any(difflib.SequenceMatcher(None, word, known).ratio() >= TYPO_MIN_RATIO for known in candidates)


def vocabulary(texts: Iterable[str]) -> FrozenSet[str]:
    return frozenset(word for text in texts for word in words_of(text))


def english_words() -> FrozenSet[str]:
    """The word forms and lemmas of spaCy's English lemma lookup table."""
    return dictionary_words("en")


@lru_cache(maxsize=4)
def dictionary_words(language: str, unaccented: bool = False) -> FrozenSet[str]:
    """The word forms and lemmas of spaCy's lemma lookup table for `language` (shipped in the pinned
    spacy-lookups-data wheel), lower-cased, optionally without accents."""
    source = resources.files("spacy_lookups_data").joinpath("data").joinpath(f"{language}_lemma_lookup.json.gz")
    table = json.loads(gzip.decompress(source.read_bytes()))
    words = (word.lower() for pair in table.items() for word in pair if word.isalpha())
    return frozenset(without_accents(word) if unaccented else word for word in words)
