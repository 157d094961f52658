"""Seeded random conversations against the real servers (si_joint_dev/conversation_fuzzer.py).

    python scripts/fuzz_conversations.py                      # 5,000 REST conversations, a new seed
    python scripts/fuzz_conversations.py --seed 7 --first 312 --conversations 1   # replay one
    python scripts/fuzz_conversations.py --channel web_chat --conversations 500
    python scripts/fuzz_conversations.py --url http://localhost:5005   # against `make run`

Starts its own servers on free ports unless --url is given. Exits 1 on any invariant violation,
printing each with its seed, conversation number and transcript.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from contextlib import nullcontext

from si_joint import PROJECT_ROOT
from si_joint_dev.conversation_fuzzer import counts_by_kind, fuzz, rest_patient, summary, web_chat_patient


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(1_000_000))
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--first", type=int, default=0, help="number of the first conversation")
    parser.add_argument("--channel", choices=("rest", "web_chat"), default="rest")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--url", help="a running Rasa server (its web chat must allow --origin)")
    parser.add_argument("--origin", default="http://localhost:8080")
    args = parser.parse_args()
    print(f"seed {args.seed}: conversations {args.first} to {args.first + args.conversations - 1} ({args.channel})")
    if args.url:
        servers = nullcontext(None)
    else:
        from si_joint_dev.running_assistant import running_assistant

        servers = running_assistant(PROJECT_ROOT / "build" / "fuzz_logs", demo=True)
    with servers as assistant:
        url = args.url or assistant.rasa_url
        origin = args.origin if args.url else assistant.demo_url
        patients = rest_patient(url, f"fuzz-{args.seed}") if args.channel == "rest" else web_chat_patient(url, origin)
        started = time.monotonic()
        result = fuzz(patients, args.seed, args.conversations, args.first, args.workers)
        seconds = time.monotonic() - started
    for violation in result.violations:
        print(violation.describe(args.seed, args.channel), end="\n\n")
    print(summary(result, seconds))
    for problem, count in counts_by_kind(result).items():
        print(f"  {count} x {problem}")
    return 1 if result.violations else 0


if __name__ == "__main__":
    sys.exit(main())
