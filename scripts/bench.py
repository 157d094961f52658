"""`make bench`: this assistant against Rasa's own starter bot (`rasa init --no-prompt`, same Rasa),
both warm on free local ports, measured interleaved in one run over REST.

Figures (each also as a ratio to the starter's): a question turn in a new conversation (p50, p95), a
small-talk turn, latency at turns 190-200 of one conversation against turns 1-10, throughput and
errors with 1, 2, 4 and 8 concurrent clients (3-turn conversations), resident memory, and full
training time (both trained one after the other, before serving). Per language: a Spanish question
turn against an English one (p50), the held-out intent accuracy of each, and the seconds training
spent on the Spanish classifier. Writes benchmarks/results.json
and benchmarks/latency.png.
usage: python scripts/bench.py [--skip-training] [--rounds N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import re
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

from serving.stack import answers
from si_joint import PROJECT_ROOT as ROOT
from si_joint_dev import starter_bot
from si_joint_dev.latency import percentile, summary
from si_joint_dev.nlu_evaluation import HOLDOUT, holdout_examples, score_model
from si_joint_dev.running_assistant import free_port, running_assistant

RESULTS = ROOT / "benchmarks" / "results.json"
PLOT = ROOT / "benchmarks" / "latency.png"
SMALL_TALK = ["hi", "hello", "thanks", "thank you", "bye", "good morning"]
CONCURRENCY = [1, 2, 4, 8]
LONG_CONVERSATION_TURNS = 200
HOLDOUTS = {"en": HOLDOUT, "es": HOLDOUT.with_name("holdout_es.yml")}


@dataclass
class Bot:
    """One bot under test: its REST url, what a patient asks it, its processes for memory."""

    name: str
    url: str
    questions: List[str]
    pids: Dict[str, int]
    errors: List[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, sender: str, text: str) -> float:
        """Milliseconds for one turn; a failed or empty reply is counted as an error."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            self.url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                replies = json.loads(response.read() or b"[]")
            if not replies:
                raise ValueError("empty reply")
        except (urllib.error.URLError, OSError, ValueError) as error:
            with self._lock:
                self.errors.append(f"{type(error).__name__}: {error}"[:200])
        return (time.perf_counter() - started) * 1000


def new_sender() -> str:
    return "bench-" + uuid.uuid4().hex[:16]


def new_conversation_turns(bots: List[Bot], rounds: int) -> Dict[str, Dict[str, List[float]]]:
    """Per bot: the first turn of a new conversation (a question) and the next (small talk),
    the bots taking turns message by message."""
    timings: Dict[str, Dict[str, List[float]]] = {b.name: {"question": [], "small_talk": []} for b in bots}
    count = max(len(b.questions) for b in bots) * rounds
    small_talk = itertools.cycle(SMALL_TALK)
    for index in range(count):
        chat = next(small_talk)
        for bot in bots:
            sender = new_sender()
            timings[bot.name]["question"].append(bot.say(sender, bot.questions[index % len(bot.questions)]))
            timings[bot.name]["small_talk"].append(bot.say(sender, chat))
    return timings


def long_conversation(bots: List[Bot], turns: int) -> Dict[str, List[float]]:
    """Per bot: the latency of each turn of one conversation (questions and small talk in turn)."""
    senders = {b.name: new_sender() for b in bots}
    timings: Dict[str, List[float]] = {b.name: [] for b in bots}
    for turn in range(turns):
        for bot in bots:
            text = bot.questions[turn % len(bot.questions)] if turn % 2 == 0 else SMALL_TALK[turn % len(SMALL_TALK)]
            timings[bot.name].append(bot.say(senders[bot.name], text))
    return timings


def concurrent_load(bot: Bot, clients: int, conversations_per_client: int) -> Dict[str, float]:
    """`clients` threads, each holding 3-turn conversations (question, question, small talk)."""
    latencies: List[float] = []
    errors_before = len(bot.errors)

    def client(offset: int) -> None:
        for number in range(conversations_per_client):
            sender, base = new_sender(), offset * 97 + number * 3
            for text in (
                bot.questions[base % len(bot.questions)],
                bot.questions[(base + 1) % len(bot.questions)],
                SMALL_TALK[number % len(SMALL_TALK)],
            ):
                latencies.append(bot.say(sender, text))

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "errors": len(bot.errors) - errors_before,
    }


def load_curve(bots: List[Bot], conversations: int) -> Dict[str, List[Dict[str, float]]]:
    curve: Dict[str, List[Dict[str, float]]] = {b.name: [] for b in bots}
    for step, clients in enumerate(CONCURRENCY):
        for bot in bots if step % 2 == 0 else list(reversed(bots)):
            curve[bot.name].append(concurrent_load(bot, clients, max(1, conversations // clients)))
    return curve


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def time_our_training(out_dir: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [str(starter_bot.RASA), "train", "--force", "--fixed-model-name", "bench", "--out", str(out_dir)],
        cwd=ROOT,
        env={**starter_bot.QUIET_ENV, "TF_DETERMINISTIC_OPS": "1"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def measure_training() -> Dict[str, float]:
    """Full training of each, one after the other (the starter first), into a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        starter = starter_bot.time_training(Path(scratch) / "starter")
        ours = time_our_training(Path(scratch) / "ours")
    return {"assistant": round(ours, 1), "starter": round(starter, 1)}


def wait_until_answers(url: str, process: subprocess.Popen, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the starter bot's server exited; see benchmarks/logs/starter.log")
        if answers(url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up within {timeout_s:.0f} s")


def ratio(ours: float, starter: float) -> Optional[float]:
    return round(ours / starter, 2) if starter else None


def table(results: dict) -> List[Dict[str, object]]:
    """The issue's table: figure, this assistant, the starter, ratio, target."""
    a, s = results["assistant"], results["starter"]
    long_a, long_s = a["long_conversation"], s["long_conversation"]
    load_a, load_s = a["load"][-1], s["load"][-1]
    rows = [
        ("question turn in a new conversation, p50 ms", a["question"]["p50"], s["question"]["p50"], "<= 1.0x"),
        ("question turn in a new conversation, p95 ms", a["question"]["p95"], s["question"]["p95"], "<= 1.0x"),
        ("small-talk turn, p50 ms", a["small_talk"]["p50"], s["small_talk"]["p50"], ""),
        ("turns 190-200 / turns 1-10 of one conversation, p50", long_a["growth"], long_s["growth"], "ours <= 2.0"),
        (
            f"throughput, {load_a['clients']} concurrent clients, turns/s",
            load_a["turns_per_s"],
            load_s["turns_per_s"],
            ">= 1.0x, no errors",
        ),
        ("errors under load", sum(x["errors"] for x in a["load"]), sum(x["errors"] for x in s["load"]), "0"),
        ("resident memory, MB (ours: Rasa + action server)", a["memory_mb"], s["memory_mb"], "ours <= 1024"),
    ]
    if "training_s" in results:
        t = results["training_s"]
        rows.append(("full training, s", t["assistant"], t["starter"], "<= 1.5x"))
    return [{"figure": f, "assistant": x, "starter": y, "ratio": ratio(x, y), "target": g} for f, x, y, g in rows]


def long_conversation_summary(latencies: List[float]) -> Dict[str, float]:
    first, last = statistics.median(latencies[:10]), statistics.median(latencies[-11:])
    return {"turns_1_10_p50": round(first, 1), "turns_190_200_p50": round(last, 1), "growth": round(last / first, 2)}


def plot(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (by_turn, by_load) = plt.subplots(1, 2, figsize=(11, 4))
    for name, label in (("assistant", "SI joint assistant"), ("starter", "Rasa starter bot")):
        turns = results[name]["long_conversation_ms"]
        by_turn.plot(range(1, len(turns) + 1), turns, label=label, linewidth=0.8)
        load = results[name]["load"]
        by_load.plot([x["clients"] for x in load], [x["p50_ms"] for x in load], marker="o", label=f"{label}, p50")
        by_load.plot(
            [x["clients"] for x in load], [x["p95_ms"] for x in load], marker="x", linestyle="--", label=f"{label}, p95"
        )
    by_turn.set(title="Latency by turn of one conversation", xlabel="turn", ylabel="ms")
    by_load.set(title="Latency by concurrent clients", xlabel="clients", ylabel="ms", xticks=CONCURRENCY)
    for axes in (by_turn, by_load):
        axes.legend(fontsize=8)
        axes.grid(alpha=0.3)
    figure.suptitle(f"make bench, {results['date']}, {results['machine']}")
    figure.tight_layout()
    figure.savefig(PLOT, dpi=110)


def measure_serving(bots: List[Bot], rounds: int, conversations: int) -> dict:
    for bot in bots:  # warm: the first turns load TensorFlow graphs
        for text in bot.questions[:5] + SMALL_TALK:
            bot.say(new_sender(), text)
        bot.errors.clear()
    turns = new_conversation_turns(bots, rounds)
    long = long_conversation(bots, LONG_CONVERSATION_TURNS)
    load = load_curve(bots, conversations)
    return {
        b.name: {
            "question": summary(turns[b.name]["question"]),
            "small_talk": summary(turns[b.name]["small_talk"]),
            "long_conversation": long_conversation_summary(long[b.name]),
            "long_conversation_ms": [round(x, 1) for x in long[b.name]],
            "load": load[b.name],
            "memory_mb": round(sum(rss_mb(pid) for pid in b.pids.values()), 1),
            "memory_by_process_mb": {n: rss_mb(pid) for n, pid in b.pids.items()},
            "error_examples": b.errors[:5],
        }
        for b in bots
    }


def our_questions(path: Path = HOLDOUT) -> List[str]:
    return [m.get("text") for m in holdout_examples(path) if m.get("intent", "").startswith("ask_")]


def language_turns(url: str, rounds: int) -> Dict[str, object]:
    """The assistant's question turn in English and in Spanish, taking turns, and the ratio of
    their p50s; the held-out intent accuracy of each language (tests/data/nlu/holdout*.yml)."""
    bots = [Bot(f"assistant_{language}", url, our_questions(path), {}) for language, path in HOLDOUTS.items()]
    timings = new_conversation_turns(bots, rounds)
    p50 = {b.name[-2:]: summary(timings[b.name]["question"])["p50"] for b in bots}
    model = ROOT / "models" / "si_joint_assistant.tar.gz"
    return {
        "question_p50_ms": p50,
        "spanish_over_english_p50": ratio(p50["es"], p50["en"]),
        "held_out_intent_accuracy": {
            lang: round(score_model(model, path).intent_accuracy, 4) for lang, path in HOLDOUTS.items()
        },
        "errors": [e for b in bots for e in b.errors][:5],
    }


def language_training_s(log: Path = ROOT / "models" / "train.log") -> Optional[float]:
    """Seconds the last `make train` spent on the other languages' classifier (models/train.log)."""
    stamps = re.findall(r"^(\S+ \S+) INFO .*Starting to train component '(\w+)'", log.read_text(), re.MULTILINE)
    for (start, name), (end, _) in zip(stamps, stamps[1:], strict=False):
        if name == "LanguageIntentClassifier":
            parsed = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S") for t in (start, end)]
            return (parsed[1] - parsed[0]).total_seconds()
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-training", action="store_true", help="keep the last recorded training times")
    parser.add_argument("--rounds", type=int, default=1, help="passes over the question lists")
    parser.add_argument("--conversations", type=int, default=48, help="conversations per load step")
    args = parser.parse_args()

    starter_bot.starter_model()
    results: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {subprocess.check_output(['nproc']).decode().strip()} cores",
        "command": "make bench" + (" BENCH_ARGS=--skip-training" if args.skip_training else ""),
    }
    if args.skip_training and RESULTS.exists():
        results["training_s"] = json.loads(RESULTS.read_text()).get("training_s")
    else:
        results["training_s"] = measure_training()
    logs = ROOT / "benchmarks" / "logs"
    starter_port = free_port()
    with (
        running_assistant(logs) as assistant,
        starter_bot.running_starter(starter_port, logs / "starter.log") as starter,
    ):
        starter_url = f"http://127.0.0.1:{starter_port}"
        wait_until_answers(starter_url + "/", starter)
        bots = [
            Bot("assistant", assistant.rasa_url, our_questions(), {n: p.pid for n, p in assistant.processes.items()}),
            Bot("starter", starter_url, starter_bot.starter_messages(), {"rasa_server": starter.pid}),
        ]
        results.update(measure_serving(bots, args.rounds, args.conversations))
        results["languages"] = {**language_turns(assistant.rasa_url, args.rounds), "training_s": language_training_s()}
    results["table"] = table(results)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    plot(results)
    print_table(results["table"])
    print(json.dumps(results["languages"], indent=1))


def print_table(rows: List[Dict[str, object]]) -> None:
    print("| figure | this assistant | starter bot | ratio | target |\n| --- | --- | --- | --- | --- |")
    for row in rows:
        ratio = f"{row['ratio']}x" if row["ratio"] is not None else ""
        print(f"| {row['figure']} | {row['assistant']} | {row['starter']} | {ratio} | {row['target']} |")


if __name__ == "__main__":
    main()
