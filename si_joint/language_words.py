"""Which of the served languages a message is written in, for the language of the urgent advice.

The evidence is the words of spaCy's lemma tables (shipped in the pinned spacy-lookups-data wheel):
a word that is in one language's table and in no other served language's counts for that language.
A table is kept as the sorted 32-bit hashes of its words, without accents (2 MB for Spanish's
500,000 words instead of 66 MB of strings): built at training time and stored in the model, so the
servers never load the tables themselves. A hash collision (one in millions per word) can only
move one word's vote.
"""

from __future__ import annotations

import re
import zlib
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import Dict, Iterable, Mapping, Optional

from si_joint.known_words import dictionary_words
from si_joint.plain_text import without_accents

ENGLISH = "en"
_WORD = re.compile(r"[^\W\d_]+")


def _hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


class WordTable:
    """The words of one language's lemma table, as sorted hashes."""

    def __init__(self, hashes: Iterable[int]) -> None:
        self._hashes = array("I", sorted(set(hashes)))

    @classmethod
    def of_language(cls, language: str) -> WordTable:
        return cls(_hash(word) for word in dictionary_words(language, unaccented=True))

    @classmethod
    def load(cls, path: Path) -> WordTable:
        table = cls(())
        table._hashes.frombytes(Path(path).read_bytes())
        return table

    def save(self, path: Path) -> None:
        Path(path).write_bytes(self._hashes.tobytes())

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key = _hash(word)
        at = bisect_left(self._hashes, key)
        return at < len(self._hashes) and self._hashes[at] == key

    def __len__(self) -> int:
        return len(self._hashes)


def language_tables(languages: Iterable[str]) -> Dict[str, WordTable]:
    """English's table and those of the other `languages` (for training and tests)."""
    return {language: WordTable.of_language(language) for language in dict.fromkeys([ENGLISH, *languages])}


def reply_language(text: str, tables: Mapping[str, WordTable], found_in: Optional[str] = None) -> str:
    """The language with the most words of the message that are in its table only; on a tie,
    `found_in` (the language whose warning signs were found) if it is among the leaders, else English."""
    counts = _own_word_counts(text, tables)
    if not counts:
        return ENGLISH
    best = max(counts.values())
    leaders = [language for language, count in counts.items() if count == best]
    if len(leaders) == 1:
        return leaders[0]
    return found_in if found_in in leaders else ENGLISH


# Words said the same way in either language ("ok", "si" for the joint): they tell no language.
NEUTRAL = frozenset({"ok", "okay", "okey", "oki", "k", "si", "no", "lol", "bye", "jaja", "haha"})
# ... nor do the web's words Spanish speakers use as they are ("el link?", "mandame el email").
NEUTRAL |= frozenset({"link", "links", "url", "web", "email", "mail", "chat", "bot", "app", "online"})
# A greeting alone tells the language ("hola" is in English's word table too).
GREETINGS = {"es": frozenset({"hola", "buenas", "buenos", "saludos", "ola"})}


def written_in(text: str, tables: Mapping[str, WordTable]) -> Optional[str]:
    """The language a message is clearly written in (more of its words are in that language's table
    only than in any other's), or None: too short to tell ("ok", "2") or as much one as another."""
    counts = _own_word_counts(text, tables)
    best = max(counts.values(), default=0)
    leaders = [language for language, count in counts.items() if count == best]
    if best and len(leaders) == 1:
        return leaders[0]
    words = {without_accents(word) for word in _WORD.findall((text or "").lower())}
    greeted = [language for language, greetings in GREETINGS.items() if language in tables and words & greetings]
    return greeted[0] if len(greeted) == 1 else None


def _own_word_counts(text: str, tables: Mapping[str, WordTable]) -> Dict[str, int]:
    """For each language, how many words of the message are its own: a function word of that
    language alone (lemma tables leave out "what", "of", "it"), else a word in its table and no
    other's. One-letter words other than function words tell nothing ("<p>")."""
    words = [w for w in (without_accents(word) for word in _WORD.findall((text or "").lower())) if w not in NEUTRAL]
    counts = dict.fromkeys(tables, 0)
    for word in words:
        languages = [name for name in tables if word in FUNCTION_WORDS.get(name, ())]
        if not languages and len(word) > 1:
            languages = [name for name, table in tables.items() if word in table]
        if len(languages) == 1:
            counts[languages[0]] += 1
    return counts


# The short words every sentence has, which lemma tables leave out; a word in two lists ("me",
# "he", "a", "son") tells neither.
FUNCTION_WORDS = {
    "en": frozenset(
        """a i the of and to in is it its you your that he she was for on are with as his her they them
        their be at have has had this these those from or by what can do does did about my me we our
        us how why when where who which will would should could not an if so but just there been were
        am i im ive id dont cant doesnt didnt isnt wont any some more most much many very after before
        because than then into out up down over again only too also it's i'm""".split()
    ),
    "es": frozenset(
        """el la los las de del al que y o en un una unos unas es son por para con sin como pero mi mis
        tu tus su sus se me te le les lo nos mas muy ya cuando donde porque esta este estos estas eso
        esto yo usted ella ellos hay tengo tiene estoy he ha han a""".split()
    ),
}
