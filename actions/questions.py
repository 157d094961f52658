"""Which knowledge entries answer a question: the intent says what kind, entities say about what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional

from si_joint.knowledge import Entry, KnowledgeBase
from si_joint.question_types import QUESTION_TYPES

MAX_ENTRIES_PER_ANSWER = 3


@dataclass(frozen=True)
class Selection:
    """What to answer: the entries, or the topic whose coverage to list when nothing fits."""

    entries: List[Entry]
    not_covered: Optional[Entry] = None


def select_entries(
    knowledge: KnowledgeBase, intent: str, entities: Iterable[dict], excluded: bool = False
) -> Selection:
    """A general question gets its overview, which already names every item ("what are the
    treatments, is PT one?"). A specific one gets the items it names, those of its own kind first,
    the overview when it names items only to leave them out ("is there anything other than
    surgery?"), or an honest "not covered" when it names nothing the knowledge file knows."""
    question = QUESTION_TYPES[intent]
    named = named_entries(knowledge, entities)
    if not question.specific or (excluded and not named):
        return Selection([knowledge.entry(question.topic)])
    named.sort(key=lambda e: e.entity != question.entity)
    if named:
        return Selection(named[:MAX_ENTRIES_PER_ANSWER])
    return Selection([], not_covered=knowledge.entry(question.topic))


def named_entries(knowledge: KnowledgeBase, entities: Iterable[dict]) -> List[Entry]:
    found: List[Entry] = []
    for entity in entities:
        entry = knowledge.entries.get(str(entity.get("value")))
        if entry and entry.entity == entity.get("entity") and entry not in found:
            found.append(entry)
    return found


def button_payload(entry: Entry) -> str:
    """The payload that asks for `entry`, as a patient's button press."""
    for question in QUESTION_TYPES.values():
        if question.topic == entry.id and not question.specific:
            return f"/{question.intent}"
    for question in QUESTION_TYPES.values():
        if question.specific and question.entity == entry.entity:
            return f'/{question.intent}{{"{entry.entity}":"{entry.id}"}}'
    raise KeyError(f"no question type asks for entry '{entry.id}'")
