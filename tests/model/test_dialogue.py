"""Rasa's own checks through its CLI: the training data validates with no warnings, and the test
stories pass with the trained model and --fail-on-prediction-errors."""

import os
import subprocess
import sys
from pathlib import Path

from tests import ROOT

RASA = str(Path(sys.executable).parent / "rasa")
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def rasa(*args, timeout=600):
    return subprocess.run([RASA, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


def test_training_data_validates_without_unexpected_warnings():
    result = subprocess.run(
        [sys.executable, "scripts/validate_data.py"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def test_test_stories_pass(tmp_path, trained_model):
    result = rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        "tests/data/test_stories.yml",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:] + details
    assert "none of the test stories failed" in details.lower()
