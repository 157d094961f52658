"""5-fold cross-validation of the per-language intent classifier (si_joint/intent_model.py) on a
language's training examples, trained on the other folds alone or with the English examples of the
same intents (what `make train` does); prints the accuracy of each at a few regularisations.

    python scripts/cross_validate_language_classifier.py [--language es]
"""

from __future__ import annotations

import argparse
from typing import List, Tuple

from rasa.shared.nlu.training_data.loading import load_data
from sklearn.model_selection import StratifiedKFold

from components.file_backed import language_examples
from components.language_intent_classifier import examples_in
from si_joint import PROJECT_ROOT, intent_model
from si_joint.training_inputs import LANGUAGE_DATA


def accuracy(own: List[Tuple[str, str]], english: List[Tuple[str, str]], regularisation: float) -> float:
    intent_model.REGULARISATION = regularisation
    texts, intents = [t for t, _ in own], [i for _, i in own]
    correct = 0
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, intents):
        model = intent_model.IntentModel.fit([own[i] for i in train] + english)
        correct += sum(model.ranking(texts[i])[0][0] == intents[i] for i in test)
    return correct / len(own)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="es", choices=sorted(LANGUAGE_DATA))
    language = parser.parse_args().language
    own = examples_in(language_examples(LANGUAGE_DATA[language]))
    intents = {intent for _, intent in own}
    english = [e for e in examples_in(load_data(str(PROJECT_ROOT / "data" / "nlu"))) if e[1] in intents]
    for regularisation in (10.0, 30.0):
        alone, with_english = accuracy(own, [], regularisation), accuracy(own, english, regularisation)
        print(f"C={regularisation:g}: {language} alone {alone:.3f}, with English examples {with_english:.3f}")


if __name__ == "__main__":
    main()
