"""A patient's message as plain letters, for the safety screen and the classifier.

Look-alike letters must not hide a warning sign: "ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ" (full-width, as East
Asian keyboards type), "I wаnt to kill mysеlf" (Cyrillic а and е), "bl\u200badder" (a zero-width
space), "b\u0336ladder" (a combining stroke), "chést pain" (an accent), "ᴄʜᴇsᴛ ᴘᴀɪɴ" (small capitals).
`plain_text` undoes each, in this order:

1. text shown right-to-left by an override character is put back in reading order, then invisible
   characters are removed: format characters (zero-width spaces and joiners, soft hyphens, direction
   marks) and Unicode's other default-ignorable ones (Hangul fillers, variation selectors);
   parenthesized letters and the long s are read as the letters they show;
2. Unicode NFKD: full-width and mathematical letters become plain ones, accents come apart;
3. combining marks on Latin letters (accents, strokes, underlines, stacked marks) are removed;
4. every other Latin letter becomes the plain letter its Unicode name says ("LATIN LETTER SMALL
   CAPITAL C", "LATIN SMALL LETTER DOTLESS I"); in a word that mixes Latin with other letters, and
   in any word of a message written mostly in Latin letters, each character that Unicode's
   confusables data (shipped in the confusable-homoglyphs package) links to a plain Latin letter
   becomes that letter: Cyrillic "а" -> "a", Greek "ο" -> "o", "⍺" -> "a";
5. a line break inside a sentence (the next line starts in lower case) is read as a space.

A message mostly in another script (Russian, Greek) keeps its letters: they are real letters. The
tracker store keeps what the patient typed; only the pipeline reads this text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Dict, List

# Unicode's Default_Ignorable_Code_Point ranges that are not format (Cf) characters.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_RIGHT_TO_LEFT = re.compile("[\u202e\u2067]([^\u202c\u2069\n]*)[\u202c\u2069]?")
_LATIN_NAME = re.compile(r"^LATIN (?:CAPITAL |SMALL )?LETTER (?:[A-Z]+ )*?([A-Z])(?: WITH .*)?$")
_WRAPPED_LINE = re.compile(r"(?<![.!?;:])[ \t]*\r?\n[ \t]*(?=[a-z])")
MAX_LOOK_ALIKE_STEPS = 3
# Where Unicode's confusables.txt names a prototype that the package's graph reaches only after
# another letter: the palochka looks like "l" ("bӏadder"), not like the "i" it is linked to first.
# Also the long s, which looks like an f ("bad ſall"), and the Ukrainian ie, which looks like an e.
PROTOTYPES = {"\u04cf": "l", "\u04c0": "l", "\u017f": "f", "\u0454": "e", "\u0404": "E"}
# Read before NFKD, which would make parenthesized letters (⒞⒣⒠⒮⒯) "(c)(h)(e)(s)(t)" and the long s an s.
_BEFORE_NFKD = {**{code: chr(ord("a") + code - 0x249C) for code in range(0x249C, 0x24B6)}, 0x017F: "f"}


def plain_text(text: str) -> str:
    text = _RIGHT_TO_LEFT.sub(lambda m: m.group(1)[::-1], text or "")
    text = _IGNORABLE.sub("", "".join(ch for ch in text if unicodedata.category(ch) != "Cf"))
    text = text.translate(_BEFORE_NFKD)
    text = _without_marks_on_latin(unicodedata.normalize("NFKD", text))
    text = _with_latin_look_alikes(unicodedata.normalize("NFC", text))
    return _WRAPPED_LINE.sub(" ", text)


def without_accents(text: str) -> str:
    """ "sacroilíaca" -> "sacroiliaca", "niño" -> "nino": the compatibility decomposition without
    its combining marks."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def _without_marks_on_latin(text: str) -> str:
    kept = []
    base_is_latin = False
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me"):
            if base_is_latin:
                continue
        else:
            base_is_latin = is_latin(ch)
        kept.append(ch)
    return "".join(kept)


def _with_latin_look_alikes(text: str) -> str:
    latin, look_alikes = latin_letters(), latin_look_alikes()
    text = "".join(latin.get(ch, ch) for ch in text) if any(ch in latin for ch in text) else text
    if not any(ch in look_alikes for ch in text):
        return text
    letters = [ch for ch in text if ch.isalpha() or ch in look_alikes]
    mostly_latin = sum(map(is_latin, letters)) * 2 > len(letters)

    def plain_word(match: re.Match) -> str:
        word = match.group()
        if not (mostly_latin or any(map(is_latin, word))):
            return word
        return "".join(look_alikes.get(ch, ch) for ch in word)

    return _word_pattern().sub(plain_word, text)


@lru_cache(maxsize=1)
def latin_letters() -> Dict[str, str]:
    """Each Latin letter beyond a-z whose Unicode name names one plain letter, mapped to it:
    "ᴄ" (LATIN LETTER SMALL CAPITAL C) -> "c", "ı" (LATIN SMALL LETTER DOTLESS I) -> "i"."""
    table = {}
    for code in range(0x80, 0x20000):
        match = _LATIN_NAME.match(unicodedata.name(chr(code), ""))
        if match:
            letter = match.group(1)
            table[chr(code)] = letter if "CAPITAL LETTER" in unicodedata.name(chr(code)) else letter.lower()
    return {**table, **PROTOTYPES}


@lru_cache(maxsize=1)
def latin_look_alikes() -> Dict[str, str]:
    """Each character beyond a-z, other than the letters of `latin_letters`, that Unicode's
    confusables data links, in up to MAX_LOOK_ALIKE_STEPS steps, to one plain Latin letter, mapped
    to it: Cyrillic "а" -> "a", Greek "ο" -> "o", "⍺" -> "a"."""
    source = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    graph: Dict[str, List[str]] = {}
    for character, entries in json.loads(source.read_text(encoding="utf-8")).items():
        graph[character] = [_without_marks(entry.get("c", "")) for entry in entries]
    named = latin_letters()
    table = {}
    for character in graph:
        if len(character) == 1 and not character.isascii() and character not in named:
            plain = _nearest_plain_letter(character, graph)
            if plain:
                table[character] = plain
    for character, plain in list(table.items()):  # also as NFKD leaves it: "ϲ" becomes "ς"
        decomposed = unicodedata.normalize("NFKD", character)
        if len(decomposed) == 1 and not decomposed.isascii():
            table.setdefault(decomposed, plain)
    return {**table, **PROTOTYPES}


def _nearest_plain_letter(character: str, graph: Dict[str, List[str]]) -> str:
    seen, frontier = {character}, [character]
    for _ in range(MAX_LOOK_ALIKE_STEPS):
        following = []
        for node in frontier:
            for neighbour in graph.get(node, ()):
                if len(neighbour) == 1 and neighbour.isascii() and neighbour.isalpha():
                    return neighbour
                if len(neighbour) == 1 and neighbour not in seen:
                    seen.add(neighbour)
                    following.append(neighbour)
        frontier = following
    return ""


def _without_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) not in ("Mn", "Me"))


@lru_cache(maxsize=1)
def _word_pattern() -> re.Pattern:
    symbols = "".join(re.escape(ch) for ch in latin_look_alikes() if not ch.isalpha())
    return re.compile(rf"(?:[^\W\d_]|[{symbols}])+")
