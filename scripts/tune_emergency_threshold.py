"""Chooses the second emergency tier's threshold: recall first, then false alarms.

Five-fold cross-validation on content/safety/emergency_training.yml (the classifier never scores an example
it was trained on), at each candidate threshold: recall of emergency examples (any kind counts:
every kind's advice says to get help) and false alarms on the `none` examples. Also the two tiers
together, as the assistant runs them, on the development sets tests/data/safety/ and tests/data/heldout/
(never tests/data/heldout/blind_testers/safety_screen_final/, which is kept unseen for the final figures).

    PYTHONPATH=. .venv/bin/python scripts/tune_emergency_threshold.py   # writes benchmarks/emergency_threshold.json
"""

from __future__ import annotations

import json
from typing import Dict, List

import yaml
from sklearn.model_selection import StratifiedKFold

from si_joint import PROJECT_ROOT
from si_joint.emergency_signs import load_emergency_signs
from si_joint.possible_emergency import NONE, THRESHOLD, PossibleEmergencyClassifier, load_training_examples

TRAINING = PROJECT_ROOT / "content" / "safety" / "emergency_training.yml"
RESULTS = PROJECT_ROOT / "benchmarks" / "emergency_threshold.json"
DEV_SETS = {
    "tests/safety": ("tests/data/safety/emergency_messages.yml", "tests/data/safety/non_emergency_messages.yml"),
    "tests/heldout": (
        "tests/data/heldout/blind_testers/safety_screen/emergencies.yml",
        "tests/data/heldout/blind_testers/safety_screen/look_alikes.yml",
    ),
}
CANDIDATES = [0.35, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9]


def texts(path: str) -> List[str]:
    items = yaml.safe_load((PROJECT_ROOT / path).read_text())["messages"]
    return [m["text"] if isinstance(m, dict) else str(m) for m in items]


def cross_validated(examples: Dict[str, List[str]]) -> Dict[str, Dict[str, float]]:
    items = [(text, kind) for kind, group in sorted(examples.items()) for text in group]
    labels = [kind for _, kind in items]
    best_emergency = [0.0] * len(items)
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(items, labels):
        fold: Dict[str, List[str]] = {}
        for i in train:
            fold.setdefault(labels[i], []).append(items[i][0])
        model = PossibleEmergencyClassifier(fold)
        for i, scores in zip(test, model.probabilities([items[i][0] for i in test]), strict=True):
            best_emergency[i] = max(p for kind, p in scores.items() if kind != NONE)
    figures = {}
    for threshold in CANDIDATES:
        flagged = [p >= threshold for p in best_emergency]
        emergencies = [f for f, label in zip(flagged, labels, strict=True) if label != NONE]
        ordinary = [f for f, label in zip(flagged, labels, strict=True) if label == NONE]
        figures[str(threshold)] = {
            "recall": round(sum(emergencies) / len(emergencies), 3),
            "false_alarms": round(sum(ordinary) / len(ordinary), 3),
        }
    return figures


def both_tiers(examples: Dict[str, List[str]]) -> Dict[str, Dict[str, object]]:
    signs = load_emergency_signs()
    model = PossibleEmergencyClassifier(examples)
    figures = {}
    for name, (emergency_file, ordinary_file) in DEV_SETS.items():
        if not (PROJECT_ROOT / emergency_file).exists():
            continue

        def tiers(text: str) -> str:
            if signs.find(text):
                return "certain"
            if signs.without_denied(text) != text:  # as components/safety_screen.py: no second tier
                return ""
            return "possible" if model.possible_sign(text) else ""

        emergencies = [tiers(t) for t in texts(emergency_file)]
        ordinary = [tiers(t) for t in texts(ordinary_file)]
        figures[name] = {
            "emergencies": len(emergencies),
            "certain": emergencies.count("certain"),
            "possible": emergencies.count("possible"),
            "missed": [t for t, tier in zip(texts(emergency_file), emergencies, strict=True) if not tier],
            "ordinary": len(ordinary),
            "false_alarms_certain": ordinary.count("certain"),
            "false_alarms_possible": ordinary.count("possible"),
            "false_alarms": [t for t, tier in zip(texts(ordinary_file), ordinary, strict=True) if tier],
        }
    return figures


def main() -> None:
    examples = load_training_examples(TRAINING)
    results = {
        "threshold": THRESHOLD,
        "cross_validated_second_tier_alone": cross_validated(examples),
        "both_tiers_on_development_sets": both_tiers(examples),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
