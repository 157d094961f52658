import os

import pytest
import yaml

from tests import MODEL, ROOT

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def trained_model():
    """The trained model's path (`make train` writes it)."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: `make train` first (`make test` does)")
    return MODEL


@pytest.fixture(scope="session")
def domain():
    return yaml.safe_load((ROOT / "domain.yml").read_text())
