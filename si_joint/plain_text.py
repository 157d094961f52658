"""A patient's message as plain letters, for the safety screen and the classifier.

Look-alike letters must not hide a warning sign: "ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ" (full-width, as East
Asian keyboards type), "I wаnt to kill mysеlf" (Cyrillic а and е), "bl\u200badder" (a zero-width
space), "b\u0336ladder" (a combining stroke). `plain_text` undoes each, in this order:

1. Unicode NFKC: full-width and mathematical letters become plain ones, "e" + combining acute
   becomes "é" (so Spanish accents survive step 3);
2. format characters (zero-width spaces and joiners, soft hyphens, direction marks) are removed;
3. combining marks left on a Latin letter (strokes, underlines, stacked "zalgo" marks) are removed;
4. in a word that mixes Latin with other letters, and in any word of a message written mostly in
   Latin letters, each letter that Unicode lists as confusable with a Latin letter becomes that
   letter (Unicode's confusables data, shipped in the confusable-homoglyphs package).

A message mostly in another script (Russian, Greek) is left as it is: its letters are real letters.
The tracker store keeps what the patient typed; only the pipeline reads this text.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Dict

_LETTERS = re.compile(r"[^\W\d_]+")


def plain_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _without_marks_on_latin(text)
    return _with_latin_look_alikes(text)


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
    return unicodedata.normalize("NFC", "".join(kept))


def _with_latin_look_alikes(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    table = latin_look_alikes()
    if not any(ch in table for ch in letters):
        return text
    mostly_latin = sum(map(is_latin, letters)) * 2 > len(letters)

    def plain_word(match: re.Match) -> str:
        word = match.group()
        mixed = any(map(is_latin, word))
        if not (mixed or mostly_latin):
            return word
        return "".join(table.get(ch, ch) for ch in word)

    return _LETTERS.sub(plain_word, text)


@lru_cache(maxsize=1)
def latin_look_alikes() -> Dict[str, str]:
    """Each non-Latin letter that Unicode's confusables data lists as looking like one plain Latin
    letter (a-z, A-Z), mapped to that letter: Cyrillic "а" -> "a", Greek "ο" -> "o"."""
    source = resources.files("confusable_homoglyphs").joinpath("confusables.json")
    confusables = json.loads(source.read_text(encoding="utf-8"))
    table = {}
    for character, look_alikes in confusables.items():
        if len(character) != 1 or not character.isalpha() or is_latin(character):
            continue
        for look_alike in look_alikes:
            plain = look_alike.get("c", "")
            if len(plain) == 1 and plain.isascii() and plain.isalpha():
                table[character] = plain
                break
    return table
