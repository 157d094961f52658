"""A small intent classifier for a language DIET does not learn: logistic regression on character
(2-5) and word (1-2) n-grams, accents stripped, so that typos, missing accents and regional spellings
still share most of their features. Framework-free; components/language_intent_classifier.py trains
and serves it."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Iterable, List, Tuple

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

# Chosen by 5-fold cross-validation on the Spanish examples (benchmarks/spanish_patients/README.md).
REGULARISATION = 30.0
SEED = 2024


class IntentModel:
    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    @classmethod
    def fit(cls, examples: Iterable[Tuple[str, str]]) -> IntentModel:
        pairs = list(examples)
        texts, intents = [text for text, _ in pairs], [intent for _, intent in pairs]
        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, strip_accents="unicode"),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode"),
        )
        classifier = LogisticRegression(C=REGULARISATION, max_iter=3000, random_state=SEED)
        return cls(make_pipeline(features, classifier).fit(texts, intents))

    def ranking(self, text: str) -> List[Tuple[str, float]]:
        """Every intent with its probability, most likely first."""
        probabilities = self._pipeline.predict_proba([text])[0]
        ranked = sorted(zip(self._pipeline.classes_, probabilities, strict=True), key=lambda pair: -pair[1])
        return [(str(intent), float(probability)) for intent, probability in ranked]

    def save(self, path: Path) -> None:
        Path(path).write_bytes(pickle.dumps(self._pipeline))

    @classmethod
    def load(cls, path: Path) -> IntentModel:
        return cls(pickle.loads(Path(path).read_bytes()))
