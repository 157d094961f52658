"""Every reply of the assistant to a held-out set, as JSON lines for a judge to read (JUDGING.md).

    python scripts/heldout_transcripts.py tests/data/heldout/real_patients/public_sources.yml \
        tests/data/heldout/blind_testers/judged/issue19_before_round1.yml --out build/transcripts
    python scripts/heldout_transcripts.py SET.yml --url http://localhost:5005   # against `make run`

A set is YAML with `messages:` or `single:` (each sent as the first question of a fresh conversation
after an opener, "hi" unless --opener says otherwise) and `conversations:` (each a list of `turns`,
in one conversation). Each line of
`<out>/<set name>.jsonl` has the id, message, kind, expected behaviour and the full reply (buttons
as "[button: ...]" lines). Starts its own servers on free ports unless --url is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, Iterator, List, Tuple

import yaml

from si_joint import PROJECT_ROOT

Say = Callable[[str, str], List[dict]]


def cases(path: Path) -> Iterator[Tuple[str, List[dict]]]:
    """(id, turns) for every single message and conversation of a set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in (data.get("messages") or []) + (data.get("single") or []):
        yield item["id"], [item]
    for conversation in data.get("conversations") or []:
        yield conversation["id"], conversation["turns"]


def shown(messages: List[dict]) -> str:
    return "\n".join(
        (m.get("text") or "") + "".join(f"\n[button: {b['title']}]" for b in m.get("buttons") or []) for m in messages
    )


def transcript(path: Path, say: Say, opener: str = "hi") -> Iterator[dict]:
    for case_id, turns in cases(path):
        sender = "heldout-" + uuid.uuid4().hex[:12]
        say(sender, opener)
        for number, turn in enumerate(turns, start=1):
            turn_id = case_id if len(turns) == 1 else f"{case_id}.{number}"
            yield {
                "id": turn_id,
                "message": turn["text"],
                "kind": turn.get("kind"),
                "expected": turn.get("expected"),
                "reply": shown(say(sender, turn["text"])),
            }


def rest_say(url: str) -> Say:
    import urllib.request

    def say(sender: str, text: str) -> List[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"[]")

    return say


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "build" / "transcripts")
    parser.add_argument("--url", help="a running Rasa server")
    parser.add_argument("--opener", default="hi", help='what opens each conversation ("hola" for a Spanish set)')
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.url:
        servers = nullcontext(None)
    else:
        from si_joint_dev.running_assistant import running_assistant

        servers = running_assistant(PROJECT_ROOT / "build" / "transcript_logs")
    with servers as assistant:
        say = rest_say(args.url or assistant.rasa_url)
        for path in args.sets:
            target = args.out / (path.stem + ".jsonl")
            with target.open("w", encoding="utf-8") as lines:
                count = sum(1 for turn in transcript(path, say, args.opener) if lines.write(json.dumps(turn) + "\n"))
            print(f"{path}: {count} turns -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
