"""`rasa data validate`, failing on any warning but the ones this project expects; writes nothing.

    python scripts/validate_data.py

Expected: the three responses said when a custom action cannot run or a turn cannot finish
(serving/rasa_server.py, channels/conversations.py) are used by no story or rule, since no rule can
express "the action server is down"; `utter_cannot_advise` is sent by action_decline_personal_advice
when the request names nothing the page covers; the feedback intents come only from the widget's
"Was this helpful?" buttons, never from the classifier (domain.yml).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from si_joint.knowledge import knowledge_in_every_language
from si_joint.knowledge_terms import TERMS_FILE, render_nlu_terms
from si_joint.training_inputs import RASA_DATA

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
EXPECTED = [
    "The utterance 'utter_emergency_without_actions' is not used in any story or rule.",
    "The utterance 'utter_try_again' is not used in any story or rule.",
    "The utterance 'utter_lost_track' is not used in any story or rule.",
    "The utterance 'utter_cannot_advise' is not used in any story or rule.",
    "The intent 'feedback_helpful' is listed in the domain file, but is not found in the NLU training data.",
    "The intent 'feedback_not_helpful' is listed in the domain file, but is not found in the NLU training data.",
]
_WARNING = re.compile(r"UserWarning: (.*?)(?:\x1b\[0m)?$", re.MULTILINE)


def unexpected_warnings(output: str) -> list:
    return [warning for warning in _WARNING.findall(output) if warning.strip() not in EXPECTED]


def data_files(terms_file: Path) -> list:
    """The training data as `make train` sees it, with the alias lookup tables generated from the
    knowledge file into `terms_file` instead of data/nlu/knowledge_terms.yml: validating writes
    nothing in the project."""
    terms_file.write_text(render_nlu_terms(*knowledge_in_every_language()), encoding="utf-8")
    paths = [ROOT / name for name in RASA_DATA]
    files = [path for p in paths for path in ([p] if p.is_file() else p.rglob("*.yml"))]
    committed = sorted(path for path in files if path != TERMS_FILE)
    return [str(path) for path in committed] + [str(terms_file)]


def main() -> int:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    with tempfile.TemporaryDirectory() as folder:
        data = data_files(Path(folder) / "knowledge_terms.yml")
        command = [RASA, "data", "validate", "--data", *data]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    problems = unexpected_warnings(output)
    if result.returncode != 0 or problems:
        print(output[-4000:], file=sys.stderr)
        print("\n".join(["Validation failed:", *problems]), file=sys.stderr)
        return 1
    print("Training data valid (expected warnings only).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
