"""Rasa's own starter bot (`rasa init --no-prompt`), built once into build/starter with the project's
Rasa and served on a free local port: the yardstick of `make bench`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List

import yaml

from si_joint import PROJECT_ROOT

STARTER_DIR = PROJECT_ROOT / "build" / "starter"
RASA = str(Path(sys.executable).with_name("rasa"))
QUIET_ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def starter_model() -> Path:
    models = sorted((STARTER_DIR / "models").glob("*.tar.gz"))
    if models:
        return models[-1]
    STARTER_DIR.mkdir(parents=True, exist_ok=True)
    print("Building Rasa's starter bot once into build/starter (rasa init --no-prompt)...", flush=True)
    subprocess.run(
        [RASA, "init", "--no-prompt", "--init-dir", str(STARTER_DIR)],
        env=QUIET_ENV,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return starter_model()


def starter_messages() -> List[str]:
    """The starter's own training examples other than greetings: its counterpart of a question."""
    nlu = yaml.safe_load((STARTER_DIR / "data" / "nlu.yml").read_text())["nlu"]
    return [
        line[2:].strip()
        for item in nlu
        if item.get("intent") not in ("greet", None)
        for line in item["examples"].splitlines()
        if line.startswith("- ")
    ]


def time_training(out_dir: Path) -> float:
    """Seconds for a full `rasa train --force` of the starter, into `out_dir` (its model is kept)."""
    started = time.monotonic()
    subprocess.run(
        [RASA, "train", "--force", "--out", str(out_dir)],
        cwd=STARTER_DIR,
        env=QUIET_ENV,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


@contextmanager
def running_starter(port: int, log_path: Path) -> Iterator[subprocess.Popen]:
    """The starter's Rasa server (REST channel, in-memory stores, no action server) on 127.0.0.1."""
    model = starter_model()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                RASA,
                "run",
                "--model",
                str(model),
                "--port",
                str(port),
                "--interface",
                "127.0.0.1",
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            cwd=STARTER_DIR,
            env=QUIET_ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
