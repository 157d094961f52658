"""Benchmarks: REST and web chat reply latency and server memory with the trained model, optionally
training time.

Starts the real action server, Rasa server and demo page on free ports, sends the held-out NLU
messages over REST (each in a fresh conversation after a greeting, as a patient would) and over the
web chat's socket.io channel (one persistent session, the socket.io client's polling transport;
time to the first bot message), and records p50/p95 latency and the resident memory of the servers
to benchmarks/results.json.
usage: python scripts/bench.py [--train] [--rounds N]   (or `make bench`)
"""
import argparse
import json
import platform
import queue
import statistics
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from si_joint_dev.local_servers import running_assistant
from si_joint_dev.nlu_evaluation import holdout_examples

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "benchmarks" / "results.json"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


def measure_latency(assistant, rounds: int):
    messages = [m.get("text") for m in holdout_examples()]
    latencies = []
    for _ in range(rounds):
        for text in messages:
            conversation = assistant.conversation()
            conversation.say("hi")
            started = time.perf_counter()
            conversation.say(text)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def measure_web_chat_latency(assistant, messages):
    import socketio

    replies = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", lambda session_id: replies.put(session_id))
    client.on("bot_uttered", lambda message: replies.put(message))
    client.connect(assistant.rasa_url, headers={"Origin": assistant.demo_url}, transports=["polling"])
    latencies = []
    try:
        client.emit("session_request", {})
        session_id = replies.get(timeout=30)
        for text in messages:
            started = time.perf_counter()
            client.emit("user_uttered", {"message": text, "session_id": session_id})
            replies.get(timeout=60)
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.3)  # let the rest of this turn's messages arrive before the next question
            while not replies.empty():
                replies.get_nowait()
    finally:
        client.disconnect()
    return latencies


def summary(latencies):
    return {
        "p50": round(statistics.median(latencies), 1),
        "p95": round(percentile(latencies, 0.95), 1),
        "max": round(max(latencies), 1),
    }


def measure_training() -> float:
    started = time.monotonic()
    (ROOT / "models" / ".training-inputs.sha256").unlink(missing_ok=True)
    subprocess.run(["scripts/train_if_changed.sh"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return round(time.monotonic() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", action="store_true", help="also time a full `rasa train`")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    results = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {subprocess.check_output(['nproc']).decode().strip()} cores",
        "command": "make bench" + (" BENCH_ARGS=--train" if args.train else ""),
    }
    if args.train:
        results["training_s"] = measure_training()
    with running_assistant(ROOT / "benchmarks" / "logs", demo=True) as assistant:
        latencies = measure_latency(assistant, args.rounds)
        results["rest_turns"] = len(latencies)
        results["rest_latency_ms"] = summary(latencies)
        web_chat = measure_web_chat_latency(assistant, [m.get("text") for m in holdout_examples()][:100])
        results["web_chat_turns"] = len(web_chat)
        results["web_chat_first_message_latency_ms"] = summary(web_chat)
        results["memory_rss_mb"] = {
            name.replace(" ", "_"): rss_mb(process.pid) for name, process in assistant.processes.items()
        }
    if RESULTS.exists() and not args.train:
        previous = json.loads(RESULTS.read_text())
        last_training = previous.get("training_s", previous.get("training_s_last_measured"))
        if last_training:
            results["training_s_last_measured"] = last_training
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
