"""The wording of the replies, one file per language (content/replies/<language>.yml), loaded and
checked here, once: every text is non-empty, and a translation names only texts the English has,
with the same {placeholders}. Framework-free."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, Optional, Set, Tuple

import yaml

from si_joint import PROJECT_ROOT
from si_joint.conversation_language import ENGLISH, REPLY_LANGUAGE

REPLIES_FOLDER = PROJECT_ROOT / "content" / "replies"


class WordingError(ValueError):
    """A wording file cannot be used; the message names the file and the text."""


def _texts(value: Any, name: str) -> Iterator[Tuple[str, str]]:
    """(dotted name, text) of every text in a value: a string, or a mapping or list of them."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _texts(inner, f"{name}.{key}" if name else str(key))
    elif isinstance(value, (list, tuple)):
        for number, inner in enumerate(value):
            yield from _texts(inner, f"{name}.{number}")
    else:
        raise WordingError(f"{name}: {value!r} is not text")


def placeholders(text: str) -> Set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def read_wording(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise WordingError(f"{path}: cannot be read: {error}") from error
    if not isinstance(data, dict) or not data:
        raise WordingError(f"{path}: holds no texts")
    for name, text in _texts(data, ""):
        if not text.strip():
            raise WordingError(f"{path}: {name} is empty")
        try:
            placeholders(text)
        except ValueError as error:
            raise WordingError(f"{path}: {name}: {error}") from error
    return {name: _as_tuples(value) for name, value in data.items()}


def _as_tuples(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_tuples(inner) for key, inner in value.items()}
    return tuple(value) if isinstance(value, list) else value


def check_translation(english: Dict[str, Any], translation: Dict[str, Any], where: str) -> None:
    """A translation names only texts the English has, each with the English placeholders."""
    english_texts = dict(_texts(english, ""))
    for name, text in _texts(translation, ""):
        if name not in english_texts:
            raise WordingError(f"{where}: {name} is not a text of the English wording")
        if placeholders(text) != placeholders(english_texts[name]):
            raise WordingError(
                f"{where}: {name} has placeholders {sorted(placeholders(text))}, "
                f"the English {sorted(placeholders(english_texts[name]))}"
            )


@cache
def wording(language: str, folder: Path = REPLIES_FOLDER) -> Dict[str, Any]:
    """The texts of one language, checked against the English."""
    texts = read_wording(folder / f"{language}.yml")
    if language != ENGLISH:
        check_translation(wording(ENGLISH, folder), texts, str(folder / f"{language}.yml"))
    return texts


def as_attributes(language: Optional[str] = None) -> Callable[[str], Any]:
    """A module's `__getattr__` giving one language's texts as attributes (`prompts.NOT_COVERED`);
    without a language, the language of the reply being composed (si_joint/conversation_language.py),
    falling back to the English text where a translation lacks one."""

    def text(name: str) -> Any:
        chosen = language or REPLY_LANGUAGE.get()
        texts = wording(chosen)
        if name in texts:
            return texts[name]
        if language is None and name in wording(ENGLISH):
            return wording(ENGLISH)[name]
        raise AttributeError(f"content/replies/{chosen}.yml has no {name}")

    return text


class Texts:
    """One language's texts as attributes, whatever the reply language (`Texts("es").EMERGENCY_FIRST`)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __getattr__(self, name: str) -> Any:
        return as_attributes(self.language)(name)
