"""Keeps questions about other conditions from being answered with SI joint facts.

"How do I treat a sore throat?" reads like a treatment question, and a classifier trained on SI
joint questions may call it `ask_treatments`. When the classifier picks an SI joint knowledge
intent, but the message names another condition, body part or everyday health topic (throat, elbow,
migraine, water, diet, ...) and
nothing of the SI joint's (SI, sacroiliac, back, pelvis, hip, leg, ... or any knowledge-file
alias), this component makes it `out_of_scope`, whose reply points to a health care professional.
A message the classifier could not place (nlu_fallback) that names only another condition gets the
same treatment. Runs after the FallbackClassifier and before the safety screen, which still has the
last word (emergencies, personal advice, unreadable input).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.safety_screen import override_intent
from si_joint.input_checks import likely_language
from si_joint.parse_data import OUT_OF_SCOPE_INTENT
from si_joint.question_types import QUESTION_TYPES
from si_joint.vocabulary import vocabulary

# The questions answered from the knowledge file (si_joint/question_types.py), but not a comparison
# with another condition (naming one is its point) nor the figure's source; and "which is most
# common?". A message the classifier could not place that names only another condition ("what is
# lupus?") is out of scope too: the scope reply helps more than "did you mean ...?".
KNOWLEDGE_INTENTS = (frozenset(QUESTION_TYPES) - {"ask_comparison", "ask_source"}) | {
    "ask_most_common",
    DEFAULT_NLU_FALLBACK_INTENT_NAME,
}
# The words that tell what a message is about: content/knowledge/vocabulary.yml.
MIN_WORDS_FOR_NOTHING_NAMED = 5


def names_nothing_of_the_topic(text: str, entities: Optional[List[Dict[str, Any]]] = None) -> bool:
    """The message names nothing the assistant's subject is about, and points back at nothing."""
    if entities or len((text or "").split()) < MIN_WORDS_FOR_NOTHING_NAMED:
        return False
    return vocabulary().names_nothing_of_the_topic(text or "")


def names_another_condition_only(text: str, entities: Optional[List[Dict[str, Any]]] = None) -> bool:
    """The message names another condition or body part and nothing of the SI joint's."""
    if entities:
        return False
    return vocabulary().names_another_condition_only(text or "")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OffTopicGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OffTopicGuard:
        vocabulary()  # a broken vocabulary file stops the server at start, with the reason
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            text, entities = message.get(TEXT) or "", message.get(ENTITIES)
            # The vocabulary is English's; a Spanish message is left to the classifier's out_of_scope.
            if (
                intent in KNOWLEDGE_INTENTS
                and likely_language(text) != "es"
                and (names_another_condition_only(text, entities) or names_nothing_of_the_topic(text, entities))
            ):
                override_intent(message, OUT_OF_SCOPE_INTENT)
        return messages
