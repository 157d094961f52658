"""Seeded random conversations through the real servers (si_joint_dev/conversation_fuzzer.py): after
every turn, a reply; the urgent advice for an emergency message; "start over" and "delete my
conversation" work. A longer run with new seeds: `python scripts/fuzz_conversations.py`."""

import os
import time

from si_joint_dev.conversation_fuzzer import fuzz, rest_patient, summary, web_chat_patient
from tests import ARTIFACTS

SEED = int(os.environ.get("SI_FUZZ_SEED", "2026"))


def check(result, seconds, channel):
    line = f"fuzz ({channel}, seed {SEED}): {summary(result, seconds)}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "fuzz_summary.txt").open("a", encoding="utf-8") as record:
        record.write(line + "\n")
    print("\n" + line)
    assert not result.violations, "\n\n".join(v.describe(SEED, channel) for v in result.violations[:5])


def test_a_thousand_random_rest_conversations_keep_the_invariant(assistant):
    started = time.monotonic()
    result = fuzz(rest_patient(assistant.rasa_url, f"fuzz-{SEED}"), SEED, conversations=1000)
    check(result, time.monotonic() - started, "rest")
    assert result.conversations == 1000 and result.turns > 5000


def test_random_web_chat_conversations_keep_the_invariant(assistant):
    started = time.monotonic()
    result = fuzz(
        web_chat_patient(assistant.rasa_url, assistant.demo_url), SEED, conversations=100, first=1000, workers=4
    )
    check(result, time.monotonic() - started, "web_chat")
    assert result.conversations == 100
