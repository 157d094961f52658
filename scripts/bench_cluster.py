"""`make bench` (second part): throughput of `make cluster` with two Rasa instances against one,
on this machine, and the CPU each turn costs, from which a larger machine's throughput follows.

The cluster (serving/cluster.py) runs on free ports. `--conversations` patients (default 60)
talk at once over REST through HAProxy, 5 turns each, `--rounds` times (the median is kept: the
machine is shared); then one Rasa server is stopped (gracefully) and the same load runs on the
other alone. CPU time is read from /proc for every server process. While the two instances are
under that load, web chat patients (half of them on long-polling only) connect and ask 3 questions:
how long a patient waits for the chat to open and for each answer. Writes benchmarks/cluster.json.
usage: python scripts/bench_cluster.py [--conversations N] [--rounds N] [--web-chat-patients N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List

from serving.cluster import ClusterPorts, start_cluster
from si_joint import PROJECT_ROOT as ROOT
from si_joint_dev.latency import summary
from si_joint_dev.running_assistant import TEST_ACTION_TOKEN, TEST_REST_TOKEN, TEST_SECRET_KEY, free_port
from si_joint_dev.web_chat_patient import WebChatPatient

RESULTS = ROOT / "benchmarks" / "cluster.json"
TURNS = [
    "what is the SI joint",
    "what causes it",
    "what are the symptoms",
    "how is it diagnosed",
    "what are the treatment options",
]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def turn(url: str, sender: str, text: str) -> bool:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        url + "/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TEST_REST_TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status == 200 and bool(json.loads(response.read()))
    except OSError:
        return False


def load(cluster, conversations: int) -> Dict[str, float]:
    servers = [p for name, p in cluster.processes.items() if name.startswith(("rasa", "actions")) and p.poll() is None]
    cpu_before = sum(cpu_seconds(p.pid) for p in servers)

    def patient(_: int) -> List[bool]:
        sender = "bench-" + uuid.uuid4().hex[:10]
        return [turn(cluster.url, sender, text) for text in TURNS]

    started = time.perf_counter()
    with ThreadPoolExecutor(conversations) as pool:
        outcomes = [ok for turns in pool.map(patient, range(conversations)) for ok in turns]
    elapsed = time.perf_counter() - started
    cpu = sum(cpu_seconds(p.pid) for p in servers) - cpu_before
    return {
        "rasa_instances": sum(
            1 for name, p in cluster.processes.items() if name.startswith("rasa") and p.poll() is None
        ),
        "turns": len(outcomes),
        "errors": outcomes.count(False),
        "seconds": round(elapsed, 1),
        "turns_per_s": round(len(outcomes) / elapsed, 1),
        "server_cpu_ms_per_turn": round(1000 * cpu / len(outcomes), 1),
    }


def median_round(cluster, conversations: int, rounds: int) -> Dict[str, object]:
    runs = [load(cluster, conversations) for _ in range(rounds)]
    middle = sorted(runs, key=lambda run: run["turns_per_s"])[len(runs) // 2]
    return {**middle, "turns_per_s_each_round": [run["turns_per_s"] for run in runs]}


def web_chat_patient(cluster, number: int) -> Dict[str, object]:
    transports = ["polling"] if number % 2 else None
    started = time.perf_counter()
    patient = WebChatPatient(cluster.url, f"http://127.0.0.1:{cluster.ports.demo}", transports=transports).connect(60)
    opened = time.perf_counter() - started
    answers = []
    try:
        for text in TURNS[:3]:
            asked = time.perf_counter()
            patient.say(text)
            answers.append(time.perf_counter() - asked)
    finally:
        patient.close()
    return {"open_s": opened, "answer_s": answers, "resent": len(patient.resend_reasons)}


def web_chat_under_load(cluster, conversations: int, patients: int) -> Dict[str, object]:
    rest = threading.Thread(target=load, args=(cluster, conversations))
    rest.start()
    time.sleep(1)
    with ThreadPoolExecutor(patients) as pool:
        results = list(pool.map(lambda number: web_chat_patient(cluster, number), range(patients)))
    rest.join()
    return {
        "patients": patients,
        "rest_conversations_meanwhile": conversations,
        "seconds_to_open": summary([r["open_s"] for r in results], digits=2),
        "seconds_per_answer": summary([a for r in results for a in r["answer_s"]], digits=2),
        "messages_sent_again": sum(r["resent"] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--web-chat-patients", type=int, default=40)
    args = parser.parse_args()
    ports = ClusterPorts(
        public=free_port(),
        demo=free_port(),
        actions=free_port(),
        rasa=(free_port(), free_port()),
        action_servers=(free_port(), free_port()),
        postgres=free_port(),
        redis=free_port(),
    )
    data = Path(tempfile.mkdtemp(prefix="si-bench-cluster-"))
    data.chmod(0o755)
    env = {
        **os.environ,
        "SI_SECRET_KEY": TEST_SECRET_KEY,
        "SI_ACTION_TOKEN": TEST_ACTION_TOKEN,
        "SI_REST_TOKEN": TEST_REST_TOKEN,
    }
    cluster = start_cluster(ports, env, data, log_dir=data / "logs")
    try:
        cluster.wait_until_up()
        load(cluster, 8)  # warm both instances
        two = median_round(cluster, args.conversations, args.rounds)
        web_chat = web_chat_under_load(cluster, args.conversations, args.web_chat_patients)
        cluster.processes["rasa-2"].send_signal(signal.SIGTERM)
        cluster.processes["rasa-2"].wait(60)
        time.sleep(2)
        one = median_round(cluster, args.conversations, args.rounds)
    finally:
        cluster.stop()
        shutil.rmtree(data, ignore_errors=True)
    cores = os.cpu_count() or 1
    per_turn_ms = one["server_cpu_ms_per_turn"]
    results = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": cores, "python": platform.python_version()},
        "concurrent_conversations": args.conversations,
        "turns_per_conversation": len(TURNS),
        "two_instances": two,
        "one_instance": one,
        "two_vs_one": round(two["turns_per_s"] / one["turns_per_s"], 2) if one["turns_per_s"] else None,
        "web_chat_under_load_two_instances": web_chat,
        # Each turn costs this much CPU in the Rasa and action servers; with one Rasa instance per
        # core, a machine's ceiling is about cores / CPU per turn (PostgreSQL and HAProxy aside).
        "expected_turns_per_s_per_core": round(1000 / per_turn_ms, 1) if per_turn_ms else None,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
