"""`rasa data validate`, failing on any warning but the ones this project expects.

    python scripts/validate_data.py

Expected: the three responses said when a custom action cannot run or a turn cannot finish
(serving/rasa_server.py, channels/conversations.py) are used by no story or rule, since no rule can
express "the action server is down"; `utter_cannot_advise` is sent by action_decline_personal_advice
when the request names nothing the page covers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
EXPECTED = [
    "The utterance 'utter_emergency_without_actions' is not used in any story or rule.",
    "The utterance 'utter_try_again' is not used in any story or rule.",
    "The utterance 'utter_lost_track' is not used in any story or rule.",
    "The utterance 'utter_cannot_advise' is not used in any story or rule.",
]
_WARNING = re.compile(r"UserWarning: (.*?)(?:\x1b\[0m)?$", re.MULTILINE)


def unexpected_warnings(output: str) -> list:
    return [warning for warning in _WARNING.findall(output) if warning.strip() not in EXPECTED]


def main() -> int:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([RASA, "data", "validate"], cwd=ROOT, env=env, capture_output=True, text=True)
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
