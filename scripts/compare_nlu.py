"""Compares the spaCy pipeline (config.yml) with the plain Rasa pipeline (configs/plain.yml).

Trains the NLU of each on data/nlu (the plain one also gets alias synonyms generated from the
knowledge file, so DIET's entities normalise to entry ids), then scores both on the held-out set.
usage: python scripts/compare_nlu.py   (or `make compare-nlu`)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from si_joint.knowledge import load_knowledge
from si_joint.knowledge_terms import render_nlu_synonyms
from si_joint_dev.nlu_evaluation import score_model

ROOT = Path(__file__).resolve().parent.parent

RASA = str(Path(sys.executable).parent / "rasa")
PIPELINES = {"spacy (config.yml)": "config.yml", "plain (configs/plain.yml)": "configs/plain.yml"}


def train_nlu(config: str, nlu_dir: Path, out: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            RASA,
            "train",
            "nlu",
            "--config",
            config,
            "--nlu",
            str(nlu_dir),
            "--out",
            str(out),
            "--fixed-model-name",
            "nlu",
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_DETERMINISTIC_OPS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        nlu_dir = Path(tmp) / "nlu"
        shutil.copytree(ROOT / "data" / "nlu", nlu_dir)
        for name, config in PIPELINES.items():
            if "plain" in name:
                (nlu_dir / "synonyms.yml").write_text(render_nlu_synonyms(load_knowledge()))
            out = Path(tmp) / name.split()[0]
            seconds = train_nlu(config, nlu_dir, out)
            score = score_model(out / "nlu.tar.gz")
            results[name] = {
                "intent_accuracy": round(score.intent_accuracy, 4),
                "entity_f1": round(score.entity_f1, 4),
                "nlu_training_s": round(seconds, 1),
                "held_out_examples": score.examples,
            }
            print(name, json.dumps(results[name]), flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
