"""Chooses the FallbackClassifier threshold: accuracy vs fallback rate on the held-out set, and how
much gibberish the fallback catches, for each candidate threshold. One parse per message with the
trained model; the classifier's own confidences are re-thresholded offline.

usage: python scripts/tune_fallback.py   (make tune-fallback) -> benchmarks/fallback_threshold.json
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import yaml

from si_joint.parse_data import EMERGENCY_INTENT, INPUT_PROBLEM
from si_joint_dev.nlu_evaluation import holdout_examples

ROOT = Path(__file__).resolve().parent.parent

MODEL = ROOT / "models" / "si_joint_assistant.tar.gz"
GIBBERISH = ROOT / "tests" / "data" / "nlu" / "should_fall_back.yml"
RESULTS = ROOT / "benchmarks" / "fallback_threshold.json"
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(15)]
AMBIGUITY = 0.08
SCREEN_INTENTS = {EMERGENCY_INTENT}


def classifier_guess(parsed: dict):
    """(intent, confidence, runner-up confidence) before the fallback classifier."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
    if not ranking:
        return parsed["intent"]["name"], 1.0, 0.0
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    return ranking[0]["name"], ranking[0]["confidence"], second


def falls_back(confidence: float, second: float, threshold: float) -> bool:
    return confidence < threshold or confidence - second < AMBIGUITY


async def parse_all(texts):
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [await agent.parse_message(t) for t in texts]


def main() -> None:
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.disable(logging.WARNING)
    holdout = [(m.get("text"), m.get("intent")) for m in holdout_examples()]
    gibberish = yaml.safe_load(GIBBERISH.read_text())["messages"]
    parsed = asyncio.run(parse_all([t for t, _ in holdout] + gibberish))
    held, junk = parsed[: len(holdout)], parsed[len(holdout) :]
    rows = []
    for threshold in THRESHOLDS:
        correct = fallbacks = 0
        for (_text, expected), result in zip(holdout, held, strict=True):
            if result["intent"]["name"] in SCREEN_INTENTS or result.get(INPUT_PROBLEM):
                correct += result["intent"]["name"] == expected
                continue
            intent, confidence, second = classifier_guess(result)
            if falls_back(confidence, second, threshold):
                fallbacks += 1
            else:
                correct += intent == expected
        caught = sum(falls_back(*classifier_guess(r)[1:], threshold) for r in junk)
        rows.append(
            {
                "threshold": threshold,
                "held_out_accuracy": round(correct / len(holdout), 4),
                "held_out_fallback_rate": round(fallbacks / len(holdout), 4),
                "gibberish_caught": round(caught / len(junk), 4),
            }
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"ambiguity_threshold": AMBIGUITY, "held_out": len(holdout), "gibberish": len(junk), "rows": rows}, indent=2
        )
        + "\n"
    )
    print("threshold  accuracy  fallback rate  gibberish caught")
    for row in rows:
        print(
            f"{row['threshold']:>9}  {row['held_out_accuracy']:>8}  {row['held_out_fallback_rate']:>13}"
            f"  {row['gibberish_caught']:>16}"
        )
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
