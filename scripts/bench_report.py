"""How long `make report` takes on a store of 10,000 conversations, and its peak memory: a SQLite
tracker store is filled with conversations of the shape the assistant stores (questions answered,
not covered, fallbacks, feedback, emergencies; 4 turns, 13 events each), then serving/report.py
runs on it as `make report` does. Writes benchmarks/report.json.

    python scripts/bench_report.py [--conversations 10000]      (part of make bench)
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from serving import report
from serving.tracker_store import PrivateSQLTrackerStore
from si_joint import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "benchmarks" / "report.json"
QUESTIONS = [
    ("what causes SI joint pain", "ask_causes", "action_answer_question", "causes"),
    ("how is it diagnosed", "ask_diagnosis", "action_answer_question", "diagnosis"),
    ("how much does fusion cost", "ask_not_covered", "action_not_covered", None),
    ("can I do yoga with it", "ask_not_covered", "action_not_covered", None),
    ("zzq blorp", "nlu_fallback", "action_fallback", None),
]


def conversation_events(number: int, start: float) -> list:
    events = []
    for turn in range(4):
        text, intent, action, entry = QUESTIONS[(number + turn) % len(QUESTIONS)]
        if turn == 3 and number % 50 == 0:
            text, intent, action, entry = "I can't control my bladder", "emergency", "action_emergency", None
        elif turn == 2 and number % 3 == 0:
            text, intent, action, entry = "/feedback_helpful", "feedback_helpful", "action_record_feedback", None
        time_at = start + number * 60 + turn * 5
        parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [], "language": "en"}
        channel = ("web_chat", "telegram", "twilio", "rest")[number % 4]
        events.append(UserUttered(text, parse["intent"], [], parse, timestamp=time_at, input_channel=channel))
        events.append(ActionExecuted(action, timestamp=time_at + 1))
        metadata = {"entry": entry} if entry else {}
        events.append(BotUttered(f"reply {turn}", metadata=metadata, timestamp=time_at + 1))
    events.append(ActionExecuted("action_listen", timestamp=start + number * 60 + 30))
    return events


def fill(database: Path, conversations: int) -> None:
    store = PrivateSQLTrackerStore(dialect="sqlite", db=str(database))
    start = datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp()
    rows = [
        store.SQLEvent(
            sender_id=f"bench-{number}",
            type_name=event.type_name,
            timestamp=event.timestamp,
            intent_name=getattr(event, "intent_name", None),
            action_name=getattr(event, "action_name", None),
            data=json.dumps(event.as_dict()),
        )
        for number in range(conversations)
        for event in conversation_events(number, start)
    ]
    with store.session_scope() as session:
        session.bulk_save_objects(rows)
        session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "conversations.db"
        fill(database, args.conversations)
        endpoints = Path(folder) / "endpoints.yml"
        store = "tracker_store:\n  type: serving.tracker_store.PrivateSQLTrackerStore\n"
        endpoints.write_text(f"{store}  db: {database}\n")
        started = time.perf_counter()
        report.main(["--endpoints", str(endpoints), "--out", str(Path(folder) / "out")])
        seconds = time.perf_counter() - started
        figures = json.loads((Path(folder) / "out" / "report.json").read_text())
    result = {
        "command": "python scripts/bench_report.py",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "conversations": figures["conversations"],
        "messages": figures["turns"],
        "report_seconds": round(seconds, 2),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if figures["conversations"] == args.conversations else 1


if __name__ == "__main__":
    sys.exit(main())
