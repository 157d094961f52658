"""The suite, by kind: unit/ (no model, no server), model/ (the trained model in process), e2e/
(the real servers, channels and a real browser), cluster/ (PostgreSQL, Redis and HAProxy). Test
data lives in data/; held-out sets in data/heldout/ are never training data."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
HELDOUT = TEST_DATA / "heldout"
ARTIFACTS = ROOT / "tests" / "artifacts"
MODEL = ROOT / "models" / "si_joint_assistant.tar.gz"


def messages_in(relative_path: str) -> list:
    """The `messages` list of a file under tests/data/."""
    import yaml

    return yaml.safe_load((TEST_DATA / relative_path).read_text(encoding="utf-8"))["messages"]
