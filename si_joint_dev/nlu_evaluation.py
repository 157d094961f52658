"""Scores a trained model on the held-out NLU set: intent accuracy and entity F1 on (type, value)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Set, Tuple

from rasa.shared.nlu.training_data.loading import load_data

from si_joint import PROJECT_ROOT as ROOT

HOLDOUT = ROOT / "tests" / "data" / "nlu" / "holdout.yml"


@dataclass
class NluScore:
    examples: int = 0
    correct_intents: int = 0
    entity_tp: int = 0
    entity_fp: int = 0
    entity_fn: int = 0
    intent_errors: List[Tuple[str, str, str]] = field(default_factory=list)
    entity_errors: List[Tuple[str, Set, Set]] = field(default_factory=list)
    per_intent: Dict[str, Counter] = field(default_factory=dict)

    @property
    def intent_accuracy(self) -> float:
        return self.correct_intents / self.examples

    @property
    def entity_f1(self) -> float:
        precision = self.entity_tp / max(1, self.entity_tp + self.entity_fp)
        recall = self.entity_tp / max(1, self.entity_tp + self.entity_fn)
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def holdout_examples(path: Path = HOLDOUT):
    return [m for m in load_data(str(path)).intent_examples]


def score_model(model_path: Path, path: Path = HOLDOUT) -> NluScore:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model_path))
    return asyncio.run(_score(agent, holdout_examples(path)))


async def _score(agent, examples) -> NluScore:
    score = NluScore()
    for example in examples:
        text, expected_intent = example.get("text"), example.get("intent")
        parsed = await agent.parse_message(text)
        predicted = parsed["intent"]["name"]
        score.examples += 1
        counts = score.per_intent.setdefault(expected_intent, Counter())
        counts["total"] += 1
        if predicted == expected_intent:
            score.correct_intents += 1
            counts["correct"] += 1
        else:
            score.intent_errors.append((text, expected_intent, predicted))
        expected = {(e["entity"], e["value"]) for e in example.get("entities") or []}
        found = {(e["entity"], e["value"]) for e in parsed["entities"]}
        score.entity_tp += len(expected & found)
        score.entity_fp += len(found - expected)
        score.entity_fn += len(expected - found)
        if expected != found:
            score.entity_errors.append((text, expected, found))
    return score


if __name__ == "__main__":
    result = score_model(ROOT / "models" / "si_joint_assistant.tar.gz")
    print(
        f"held-out messages {result.examples}: intent accuracy {result.intent_accuracy:.4f}, "
        f"entity F1 (type + value) {result.entity_f1:.4f}"
    )
    for text, expected, predicted in result.intent_errors:
        print(f"  intent  {text!r}: expected {expected}, got {predicted}")
    for text, expected, found in result.entity_errors:
        print(f"  entity  {text!r}: expected {sorted(expected)}, got {sorted(found)}")
