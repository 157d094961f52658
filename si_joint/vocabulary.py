"""The words that tell what a message is about (content/knowledge/vocabulary.yml): the SI joint's
own words and names, the topics of its questions, other conditions, health in general, and the
conditions a message may name instead of the SI joint. Loaded and checked here, once; framework-free."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from si_joint import PROJECT_ROOT

VOCABULARY_FILE = PROJECT_ROOT / "content" / "knowledge" / "vocabulary.yml"
WORD_LISTS = ("si_joint_words", "si_joint_names", "topic_words", "other_conditions", "health_words")
# "where does the 30% thing come from": the page's own figure.
_FIGURE = re.compile(r"\d\s*%")
ENTRY = re.compile(r"^\*?[a-z]+(?:\*?[ ][a-z]+)*\*?$")


class VocabularyError(ValueError):
    """The vocabulary file cannot be used; the message names the list and the entry."""


@dataclass(frozen=True)
class NamedCondition:
    name: str  # said in the reply: "spinal stenosis"
    words: re.Pattern
    not_on_page: bool  # a question about it alone hears that the page doesn't cover it


@dataclass(frozen=True)
class Vocabulary:
    si_joint_words: re.Pattern
    si_joint_names: re.Pattern
    topic_words: re.Pattern
    other_conditions: re.Pattern
    health_words: re.Pattern
    named_conditions: Tuple[NamedCondition, ...]  # in order: the first the message names is said
    # The words of the SI joint and of its questions, as written without `*` ("caus", "dysfunction").
    subject_terms: Tuple[str, ...] = ()

    def names_another_condition_only(self, text: str) -> bool:
        """The text names another condition or body part and nothing of the SI joint's."""
        return bool(self.other_conditions.search(text)) and not self.si_joint_words.search(text)

    def names_nothing_of_the_topic(self, text: str) -> bool:
        """The text names nothing the assistant's subject is about, and points back at nothing."""
        return not self.si_joint_words.search(text) and not self.topic_words.search(text) and not _FIGURE.search(text)

    def compared_with_name(self, text: str) -> Optional[str]:
        """What a comparison question compares SI joint pain with, in English, if it names it."""
        return next((c.name for c in self.named_conditions if c.words.search(text)), None)

    def condition_not_on_page(self, text: str) -> Optional[str]:
        """The condition the page doesn't cover that the text is about ("what helps a bulging disc?"),
        when it doesn't name the SI joint."""
        if self.si_joint_names.search(text):
            return None
        return next((c.name for c in self.named_conditions if c.not_on_page and c.words.search(text)), None)


def words_pattern(entries: List[Any], where: str) -> re.Pattern:
    """One pattern matching any entry as whole words; `*` is any letters, a space any spaces."""
    if not entries:
        raise VocabularyError(f"{where}: lists no words")
    alternatives = []
    for entry in entries:
        if not isinstance(entry, str) or not ENTRY.match(entry):
            raise VocabularyError(f"{where}: {entry!r} is not lower-case words with optional '*'")
        alternatives.append(r"\s+".join(re.escape(word).replace(r"\*", r"\w*") for word in entry.split(" ")))
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    try:
        data: Dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise VocabularyError(f"{path}: cannot be read: {error}") from error
    lists = {name: words_pattern(data.get(name) or [], f"{path}: {name}") for name in WORD_LISTS}
    conditions = []
    for number, item in enumerate(data.get("named_conditions") or [], start=1):
        name = (item or {}).get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise VocabularyError(f"{path}: named_conditions entry {number} has no name")
        words = words_pattern(item.get("words") or [], f"{path}: named_conditions {name!r}")
        conditions.append(NamedCondition(name.strip(), words, item.get("not_on_page") is True))
    if not conditions:
        raise VocabularyError(f"{path}: needs named_conditions entries")
    terms = tuple(
        str(word).replace("*", "")
        for name in ("si_joint_words", "si_joint_names", "topic_words")
        for word in data.get(name) or []
    )
    return Vocabulary(named_conditions=tuple(conditions), subject_terms=terms, **lists)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The project's vocabulary, loaded on first use."""
    return load_vocabulary()
