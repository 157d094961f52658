"""The kinds of question the assistant answers from the knowledge file: one vocabulary for the
intents (domain.yml), the actions and the safety screen. Framework-free."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional


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


def specific_question_for(entity_type: Optional[str]) -> Optional[str]:
    """The intent that asks about one named item of this entity type ("is groin pain a symptom?")."""
    return next((q.intent for q in QUESTION_TYPES.values() if q.specific and q.entity == entity_type), None)
