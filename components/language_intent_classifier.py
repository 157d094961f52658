"""Classifies a message written in another served language with a classifier of that language.

Rasa 3.6 serves one model per server, and one DIET trained on English and Spanish examples together
lowered the English figures (benchmarks/spanish_patients/README.md). So DIET learns English only
(`make train` gives Rasa the English data: si_joint/training_inputs.py), and this component learns
each other language from its own folder (`data/nlu_es` for Spanish) plus the English examples of the
same intents, for the English words patients mix in: a linear classifier on character and word
n-grams (si_joint/intent_model.py). A message the word tables say is written in that language
(si_joint/language_words.py) gets its intent and ranking instead of DIET's; the FallbackClassifier,
the off-topic guard and the safety screen come after it as for English. A language that is not
served (content/settings/site.yml) keeps DIET's intent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.file_backed import FileBackedComponent, language_examples
from si_joint.intent_model import IntentModel
from si_joint.language_words import WordTable, language_tables, written_in
from si_joint.parse_data import FULL_TEXT
from si_joint.site_settings import served_languages
from si_joint.training_inputs import LANGUAGE_DATA

MODEL_FILE = "intents_{language}.pkl"
WORD_TABLE_FILE = "words_{language}.bin"
RANKING_LENGTH = 10


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LanguageIntentClassifier(FileBackedComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # language: the folder of its training examples, relative to the project
        return {"languages": LANGUAGE_DATA}

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._models: Dict[str, IntentModel] = {}
        self._word_tables: Dict[str, WordTable] = {}
        self._served = served_languages()

    def train(self, training_data: TrainingData) -> Resource:
        english = examples_in(training_data)
        for language, folder in self._config["languages"].items():
            own = examples_in(language_examples(folder))
            intents = {intent for _, intent in own}
            self._models[language] = IntentModel.fit(own + [e for e in english if e[1] in intents])
        self._word_tables = language_tables(self._config["languages"])
        with self._model_storage.write_to(self._resource) as directory:
            for language, model in self._models.items():
                model.save(Path(directory) / MODEL_FILE.format(language=language))
            for language, table in self._word_tables.items():
                table.save(Path(directory) / WORD_TABLE_FILE.format(language=language))
        return self._resource

    def read_files(self, directory: Path) -> None:
        for language in self._config["languages"]:
            self._models[language] = IntentModel.load(directory / MODEL_FILE.format(language=language))
        for language in ("en", *self._config["languages"]):
            self._word_tables[language] = WordTable.load(directory / WORD_TABLE_FILE.format(language=language))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = written_in(message.get(FULL_TEXT) or message.get(TEXT) or "", self._word_tables)
            model = self._models.get(language or "")
            if model is None or language not in self._served:
                continue
            ranking = [
                {"name": intent, "confidence": confidence}
                for intent, confidence in model.ranking(message.get(TEXT) or "")[:RANKING_LENGTH]
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


def examples_in(training_data: TrainingData) -> List[Tuple[str, str]]:
    """(text, intent) of every example that has an intent."""
    return [(e.get(TEXT), e.get(INTENT)) for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
