"""Which knowledge entries answer a question: the intent says what kind, entities say about what."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional

from si_joint.knowledge import Entry, KnowledgeBase

MAX_ENTRIES_PER_ANSWER = 3


@dataclass(frozen=True)
class QuestionType:
    intent: str
    topic: str  # entry that answers the general question
    # Set for a specific question ("can X cause it?"): the entity type of the items it names.
    entity: Optional[str] = None

    @property
    def specific(self) -> bool:
        return self.entity is not None


QUESTION_TYPES: Dict[str, QuestionType] = {
    q.intent: q
    for q in (
        QuestionType("ask_si_joint", "si_joint"),
        QuestionType("ask_causes", "causes"),
        QuestionType("ask_cause_check", "causes", "cause"),
        QuestionType("ask_symptoms", "symptoms"),
        QuestionType("ask_symptom_check", "symptoms", "symptom"),
        QuestionType("ask_prevalence", "prevalence"),
        QuestionType("ask_source", "source_of_figure"),
        QuestionType("ask_who_can_help", "who_can_help"),
        QuestionType("ask_diagnosis", "diagnosis"),
        QuestionType("ask_diagnosis_check", "diagnosis", "diagnostic_method"),
        QuestionType("ask_treatments", "treatments"),
        QuestionType("ask_treatment_check", "treatments", "treatment"),
        QuestionType("ask_fusion_candidate", "fusion_candidate"),
        QuestionType("ask_implants", "implants"),
        QuestionType("ask_comparison", "other_sources_of_pain"),
        QuestionType("ask_fusion_surgery", "fusion_surgery_type"),
    )
}


@dataclass(frozen=True)
class Selection:
    """What to answer: the entries, or the topic whose coverage to list when nothing fits."""

    entries: List[Entry]
    not_covered: Optional[Entry] = None


def select_entries(
    knowledge: KnowledgeBase, intent: str, entities: Iterable[dict]
) -> Selection:
    """A general question gets its overview, which already names every item ("what are the
    treatments, is PT one?"). A specific one gets the items it names, those of its own kind first,
    or an honest "not covered" when it names nothing the knowledge file knows."""
    question = QUESTION_TYPES[intent]
    if not question.specific:
        return Selection([knowledge.entry(question.topic)])
    named = named_entries(knowledge, entities)
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
