"""The second tier of the emergency screen: a classifier for warning signs the phrase lists miss.

The first tier (si_joint/emergency_signs.py, content/safety/emergency_signs.yml) is certain: reviewed
phrases, negation and history aware. This tier catches other wordings (idioms, typos, a caregiver's
words, a fall told by its result) with a logistic regression on character and word n-grams,
trained on content/safety/emergency_training.yml, whose `none` examples teach it ordinary back-pain talk.
Its answer is "possibly this kind of sign": the assistant then gives that kind's urgent advice
phrased "if you ...", and still answers the question.

Threshold (THRESHOLD): the lowest at which both tiers together raise no more than 2% false alarms
on the development sets of ordinary messages (tests/data/safety/, tests/data/heldout/); below it this tier's
alarms on ordinary talk ("I get numbness and tingling down my leg") grow faster than what it adds.
Figures: scripts/tune_emergency_threshold.py -> benchmarks/emergency_threshold.json.
A message whose sign words the first tier found only negated or in the past ("no fever", "I fell
years ago") has those clauses removed before it gets here (EmergencySigns.without_denied).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

_SENTENCE_END = re.compile(r"(?<=[.!?;\n])\s+|\n")
NONE = "none"
THRESHOLD = 0.75
WHOLE_MESSAGE_CHARS = 600  # longer messages are weighed two sentences at a time
MAX_WINDOWS = 400


class EmergencyTrainingError(ValueError):
    """The training file cannot be used."""


@dataclass(frozen=True)
class PossibleSign:
    category: str
    probability: float


def load_training_examples(path: Path) -> Dict[str, List[str]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise EmergencyTrainingError(f"{path}: cannot be read: {error}") from error
    examples = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(examples, dict) or NONE not in examples or len(examples) < 2:
        raise EmergencyTrainingError(f"{path}: needs `examples` with `none` and at least one kind")
    cleaned = {}
    for kind, texts in examples.items():
        if not isinstance(texts, list) or len(texts) < 5 or not all(isinstance(t, str) for t in texts):
            raise EmergencyTrainingError(f"{path}: `{kind}` needs a list of at least 5 example texts")
        cleaned[str(kind)] = [" ".join(t.split()) for t in texts]
    return cleaned


class PossibleEmergencyClassifier:
    def __init__(self, examples: Dict[str, List[str]], threshold: float = THRESHOLD) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        self.threshold = threshold
        texts, labels = _flatten(examples)
        features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True, min_df=1
                    ),
                ),
                (
                    "words",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=(1, 2),
                        lowercase=True,
                        token_pattern=r"[a-z0-9]+",
                        sublinear_tf=True,
                    ),
                ),
            ]
        )
        model = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000, random_state=0)
        self.pipeline = make_pipeline(features, model)
        self.pipeline.fit(texts, labels)
        self.kinds = list(self.pipeline.classes_)

    def probabilities(self, texts: Sequence[str]) -> List[Dict[str, float]]:
        rows = self.pipeline.predict_proba([_normalise(t) for t in texts])
        return [dict(zip(self.kinds, (float(p) for p in row), strict=True)) for row in rows]

    def possible_sign(self, text: str) -> Optional[PossibleSign]:
        """The most likely kind of sign, when its probability reaches the threshold in any window."""
        best: Optional[Tuple[str, float]] = None
        for scores in self.probabilities(_windows(text)):
            kind, probability = max(((k, p) for k, p in scores.items() if k != NONE), key=lambda kp: kp[1])
            if probability >= self.threshold and (best is None or probability > best[1]):
                best = (kind, probability)
        return PossibleSign(*best) if best else None


def _flatten(examples: Dict[str, List[str]]) -> Tuple[List[str], List[str]]:
    texts, labels = [], []
    for kind, items in sorted(examples.items()):
        texts += [_normalise(t) for t in items]
        labels += [kind] * len(items)
    return texts, labels


def _normalise(text: str) -> str:
    return " ".join(str(text or "").lower().replace("\u2019", "'").replace("'", "").split())


def _windows(text: str) -> List[str]:
    """The whole message when short; and every two neighbouring sentences, so a sign buried in
    a long message is weighed on its own, not diluted by the rest (at most MAX_WINDOWS)."""
    text = str(text or "")
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    windows = [text] if len(text) <= WHOLE_MESSAGE_CHARS else []
    if len(sentences) > 1:
        windows += [" ".join(sentences[i : i + 2]) for i in range(len(sentences) - 1)]
    return (windows or [text])[:MAX_WINDOWS]
