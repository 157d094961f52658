"""The production topology, started by `make cluster`'s own code (serving/cluster.py) on free
local ports: PostgreSQL, Redis, two Rasa servers, two action servers and HAProxy. Load, failover,
outages and a graceful stop, each checked in what patients receive and in what PostgreSQL keeps.
Every loop and wait is bounded."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import psycopg2
import pytest

from serving.cluster import ClusterPorts, start_cluster
from serving.databases import wait_for
from serving.endpoint_settings import TICKET_LOCK_LIFETIME_S
from serving.lock_store import AtomicRedisLockStore
from si_joint.knowledge import load_knowledge
from si_joint_dev.hostile_requests import HOSTILE, open_socket, read_until_closed
from si_joint_dev.running_assistant import (
    TEST_ACTION_TOKEN,
    TEST_REST_TOKEN,
    TEST_SECRET_KEY,
    assert_reply_rules,
    free_port,
    reply_text,
)
from si_joint_dev.web_chat_patient import WebChatPatient

KNOWLEDGE = load_knowledge()
# Each conversation asks these in its own rotation, so a reply delivered to the wrong conversation
# would carry the wrong answer.
QUESTIONS = [
    ("what is the SI joint", "si_joint"),
    ("what causes SI joint pain", "causes"),
    ("what are the symptoms of SI joint pain", "symptoms"),
    ("how common is SI joint pain", "prevalence"),
    ("how is SI joint pain diagnosed", "diagnosis"),
    ("what are the treatment options", "treatments"),
    ("does physical therapy help", "physical_therapy"),
    ("what is a pelvic belt", "pelvic_belt"),
    ("what is a diagnostic injection", "diagnostic_injection"),
    ("is fusion surgery an option", "si_joint_fusion"),
]
ANSWERS = {entry: KNOWLEDGE.entry(entry).answer for _, entry in QUESTIONS}
TRY_AGAIN = "try again in a moment"
RETRIES = 5


@pytest.fixture(scope="module")
def cluster(trained_model):
    ports = ClusterPorts(
        public=free_port(),
        demo=free_port(),
        actions=free_port(),
        rasa=(free_port(), free_port()),
        action_servers=(free_port(), free_port()),
        postgres=free_port(),
        redis=free_port(),
    )
    data = Path(tempfile.mkdtemp(prefix="si-cluster-"))
    data.chmod(0o755)  # PostgreSQL runs as its own user
    env = {
        **os.environ,
        "SI_SECRET_KEY": TEST_SECRET_KEY,
        "SI_ACTION_TOKEN": TEST_ACTION_TOKEN,
        "SI_REST_TOKEN": TEST_REST_TOKEN,
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    started = start_cluster(ports, env, data, log_dir=data / "logs")
    try:
        started.wait_until_up()
        yield started
    finally:
        started.stop()
        shutil.rmtree(data, ignore_errors=True)


# --- talking to the cluster --------------------------------------------------------------------


class Failures:
    """What the clients met on the way: errors they retried, and "try again" replies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.errors: List[str] = []
        self.try_again = 0

    def add(self, error: str) -> None:
        with self.lock:
            self.errors.append(error)


def post(url: str, sender: str, text: str, timeout: float = 60, token: str = TEST_REST_TOKEN) -> List[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    headers = (
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        if token
        else {"Content-Type": "application/json"}
    )
    request = urllib.request.Request(url + "/webhooks/rest/webhook", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def say_with_retries(url: str, sender: str, text: str, failures: Failures) -> List[dict]:
    """A REST turn as a careful client sends it: again after an error (the instance died) or a
    "try again" reply (a part of the service was unavailable for that turn)."""
    for _ in range(RETRIES):
        try:
            messages = post(url, sender, text)
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError) as error:
            failures.add(f"{type(error).__name__}: {getattr(error, 'code', '')}")
            time.sleep(1)
            continue
        assert_reply_rules(messages, f"cluster REST reply to {text!r}")
        if TRY_AGAIN in reply_text(messages) and len(messages) == 1:
            with failures.lock:
                failures.try_again += 1
            time.sleep(1)
            continue
        return messages
    raise AssertionError(f"{text!r} was not answered after {RETRIES} attempts: {failures.errors[-3:]}")


def answers_in(text: str) -> List[str]:
    return [entry for entry, answer in ANSWERS.items() if answer in text]


def questions_for(number: int, turns: int) -> List[Tuple[str, str]]:
    return [QUESTIONS[(number + turn) % len(QUESTIONS)] for turn in range(turns)]


def rest_conversation(cluster, number: int, turns: int, failures: Failures) -> Tuple[str, List[str]]:
    sender = f"load-{number}-{uuid.uuid4().hex[:8]}"
    asked = []
    for question, entry in questions_for(number, turns):
        messages = say_with_retries(cluster.url, sender, question, failures)
        assert {m["recipient_id"] for m in messages} == {"rest:" + sender}
        assert answers_in(reply_text(messages)) == [entry], (question, reply_text(messages)[:500])
        asked.append(question)
    return "rest:" + sender, asked


def web_chat_conversation(cluster, number: int, turns: int, failures: Failures) -> Tuple[str, List[str]]:
    origin = f"http://127.0.0.1:{cluster.ports.demo}"
    transports = ["polling"] if number % 4 == 0 else None  # half of them as behind a proxy without websockets
    patient = WebChatPatient(cluster.url, origin, transports=transports).connect()
    asked = []
    try:
        for question, entry in questions_for(number, turns):
            text = reply_text(patient.say(question))
            assert answers_in(text) == [entry], (question, text[:500])
            asked.append(question)
    finally:
        patient.close()
    with failures.lock:
        failures.errors += [f"web chat message sent again: {reason}" for reason in patient.resend_reasons]
    return patient.conversation_id, asked


def stored_turns(cluster, conversation_id: str) -> List[Tuple[str, Optional[str]]]:
    """(event type, user text) of the conversation's events in PostgreSQL, in order."""
    with (
        psycopg2.connect(host="127.0.0.1", port=cluster.ports.postgres, user="postgres", dbname="conversations") as db,
        db.cursor() as cursor,
    ):
        cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (conversation_id,))
        rows = cursor.fetchall()
    return [(kind, json.loads(data).get("text") if kind == "user" else None) for kind, data in rows]


def stored_user_texts(cluster, conversation_id: str) -> List[str]:
    return [text or "" for kind, text in stored_turns(cluster, conversation_id) if kind == "user"]


def run_conversations(cluster, count: int, turns: int, web_chat_every: int = 2, during=None) -> Tuple[list, Failures]:
    """`count` conversations at once (every `web_chat_every`-th on the web chat, the rest REST);
    `during` runs once they are under way."""
    failures = Failures()

    def one(number: int):
        talk = web_chat_conversation if web_chat_every and number % web_chat_every == 0 else rest_conversation
        return talk(cluster, number, turns, failures)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(one, number) for number in range(count)]
        if during:
            during()
        results = [future.result(timeout=600) for future in futures]
    return results, failures


def restart(cluster, name: str) -> None:
    number = int(name.rsplit("-", 1)[1])
    if name.startswith("rasa"):
        cluster.start_rasa(number)
        url = f"http://127.0.0.1:{cluster.ports.rasa[number - 1]}/ready"
    else:
        cluster.start_action_server(number)
        url = f"http://127.0.0.1:{cluster.ports.action_servers[number - 1]}/health"
    from serving.stack import answers

    wait_for(lambda: answers(url), 240)
    time.sleep(7)  # HAProxy's checks (3 s apart, 2 to rise) see it again


def kill_when_busy(cluster, name: str, sig: int, after_s: float = 4.0):
    def action():
        time.sleep(after_s)
        cluster.processes[name].send_signal(sig)
        cluster.processes[name].wait(30)

    return action


# --- the tests ---------------------------------------------------------------------------------


def test_200_conversations_at_once_rest_and_web_chat(cluster):
    results, failures = run_conversations(cluster, 200, 5)
    assert failures.errors == [] and failures.try_again == 0
    for conversation_id, asked in results:
        assert stored_user_texts(cluster, conversation_id) == asked, conversation_id


def test_two_messages_of_one_conversation_at_the_same_moment_on_both_instances(cluster):
    """Both Rasa servers directly, no HAProxy: the Redis lock store puts the turns one after the
    other, so each is stored whole and none is lost."""
    instances = [f"http://127.0.0.1:{port}" for port in cluster.ports.rasa]
    failures = Failures()

    def pair(number: int) -> str:
        sender = f"pair-{number}-{uuid.uuid4().hex[:8]}"
        start = threading.Barrier(2)

        def send(instance: str, text: str) -> None:
            start.wait(10)
            say_with_retries(instance, sender, text, failures)

        with ThreadPoolExecutor(2) as both:
            list(both.map(send, instances, ["what causes SI joint pain", "how is it diagnosed"]))
        return "rest:" + sender

    with ThreadPoolExecutor(20) as pool:
        conversation_ids = list(pool.map(pair, range(100)))
    assert failures.errors == [] and failures.try_again == 0
    for conversation_id in conversation_ids:
        turns = stored_turns(cluster, conversation_id)
        users = [text for kind, text in turns if kind == "user"]
        assert sorted(users) == ["how is it diagnosed", "what causes SI joint pain"], conversation_id
        second = [kind for kind, _ in turns].index("user", [kind for kind, _ in turns].index("user") + 1)
        assert "bot" in [kind for kind, _ in turns[:second]], f"{conversation_id}: turns overlapped"


@pytest.mark.parametrize("name", ["rasa-1", "actions-1"])
def test_an_instance_killed_under_load_loses_no_conversation(cluster, name):
    """SIGKILL while 16 clients keep turns in flight: 30 REST and 10 web chat patients who asked a
    question before the kill have their "tell me more" answered in context after it (from
    PostgreSQL, on the other instance); the clients retry what failed (the widget's way on the web
    chat); everything answered is in PostgreSQL."""
    failures = Failures()
    killed = threading.Event()
    stop_filling = threading.Event()
    contexts: Dict[str, str] = {}
    origin = f"http://127.0.0.1:{cluster.ports.demo}"

    def rest_patient(number: int) -> None:
        sender = f"kill-{name}-{number}-{uuid.uuid4().hex[:8]}"
        say_with_retries(cluster.url, sender, "how is SI joint pain diagnosed", failures)
        killed.wait(60)
        contexts["rest:" + sender] = reply_text(say_with_retries(cluster.url, sender, "tell me more", failures))
        say_with_retries(cluster.url, sender, "and how is it treated?", failures)

    def web_patient(_: int) -> None:
        patient = WebChatPatient(cluster.url, origin).connect()
        try:
            patient.say("how is SI joint pain diagnosed")
            killed.wait(60)
            contexts[patient.conversation_id] = reply_text(patient.say("tell me more"))
            patient.say("and how is it treated?")
        finally:
            patient.close()
            with failures.lock:
                failures.errors += [f"web chat message sent again: {reason}" for reason in patient.resend_reasons]

    def filler(number: int) -> None:
        sender = f"filler-{number}-{uuid.uuid4().hex[:8]}"
        for turn in range(400):
            if stop_filling.is_set():
                return
            say_with_retries(cluster.url, sender, QUESTIONS[turn % len(QUESTIONS)][0], failures)

    with ThreadPoolExecutor(56) as pool:
        futures = [pool.submit(filler, n) for n in range(16)]
        futures += [pool.submit(rest_patient, n) for n in range(30)] + [pool.submit(web_patient, n) for n in range(10)]
        time.sleep(4)
        cluster.processes[name].send_signal(signal.SIGKILL)
        cluster.processes[name].wait(30)
        killed.set()
        time.sleep(12)  # the other instance carries everything until HAProxy has marked this one down
        stop_filling.set()
        for future in futures:
            future.result(timeout=600)
    try:
        assert len(contexts) == 40
        for conversation_id, more in contexts.items():
            assert KNOWLEDGE.entry("diagnosis").details in more, conversation_id  # the topic from before the kill
            stored = stored_user_texts(cluster, conversation_id)
            assert stored[0] == "how is SI joint pain diagnosed", conversation_id
            assert {"tell me more", "and how is it treated?"} <= set(stored), conversation_id
    finally:
        restart(cluster, name)
    print(f"\n{name} killed: {len(failures.errors)} errors retried, {failures.try_again} try-again replies retried")


def test_a_graceful_stop_finishes_the_turns_in_flight(cluster):
    """SIGTERM to one Rasa server under load: no client sees an error."""
    try:
        results, failures = run_conversations(
            cluster, 40, 4, web_chat_every=0, during=kill_when_busy(cluster, "rasa-2", signal.SIGTERM, after_s=3)
        )
        assert cluster.processes["rasa-2"].returncode is not None
        assert failures.errors == [] and failures.try_again == 0
        for conversation_id, asked in results:
            assert stored_user_texts(cluster, conversation_id) == asked
    finally:
        restart(cluster, "rasa-2")


def test_a_conversation_left_locked_by_a_killed_instance_waits_only_the_ticket_lifetime(cluster):
    sender = f"stale-{uuid.uuid4().hex[:8]}"
    locks = AtomicRedisLockStore(host="127.0.0.1", port=cluster.ports.redis)
    locks.issue_ticket("rest:" + sender, TICKET_LOCK_LIFETIME_S)  # what a killed instance leaves behind
    started = time.monotonic()
    messages = post(cluster.url, sender, "what is the SI joint")
    waited = time.monotonic() - started
    assert KNOWLEDGE.entry("si_joint").answer in reply_text(messages)
    assert TICKET_LOCK_LIFETIME_S - 1 < waited < TICKET_LOCK_LIFETIME_S + 5


def test_a_postgresql_restart_is_said_and_recovered_from(cluster):
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    first = reply_text(post(cluster.url, sender, "how is SI joint pain diagnosed"))
    assert KNOWLEDGE.entry("diagnosis").answer in first
    cluster.postgres.stop("fast")
    try:
        during = reply_text(post(cluster.url, sender, "what are the treatments?"))
        emergency = reply_text(post(cluster.url, sender, "my dad has lost control of his bowels"))
    finally:
        cluster.postgres.start()
    assert TRY_AGAIN in during and "Traceback" not in during
    assert "911" in emergency and "emergency" in emergency.lower()
    # Up to one stale pooled connection per Rasa server may fail once more.
    after = [reply_text(post(cluster.url, sender, "tell me more")) for _ in range(3)]
    assert KNOWLEDGE.entry("diagnosis").details in after[-1]


def test_with_redis_down_patients_are_still_answered(cluster):
    """Locks fall back to each instance's memory and the web chat to the instance's own sockets;
    /ready says the locks are unavailable; everything comes back with Redis."""
    origin = f"http://127.0.0.1:{cluster.ports.demo}"
    patient = WebChatPatient(cluster.url, origin).connect()
    cluster.redis.stop()
    try:
        rest = reply_text(post(cluster.url, f"redis-{uuid.uuid4().hex[:8]}", "what causes SI joint pain"))
        web = reply_text(patient.say("what are the symptoms of SI joint pain", timeout_s=60))
        emergency = reply_text(patient.say("I suddenly can't feel my groin", timeout_s=60))
        with urllib.request.urlopen(f"http://127.0.0.1:{cluster.ports.rasa[0]}/ready", timeout=10) as response:
            ready = json.loads(response.read())
    finally:
        cluster.redis.start()
        patient.close()
    assert KNOWLEDGE.entry("causes").answer in rest
    assert KNOWLEDGE.entry("symptoms").answer in web
    assert "911" in emergency
    assert ready == {"status": "ready", "conversations": "ok", "locks": "unavailable"}
    log = "".join(path.read_text() for path in cluster.log_dir.glob("rasa-*.log"))
    assert "Lock store unavailable" in log


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_haproxy_refuses_ambiguous_requests_too(cluster, name):
    """The requests the servers refuse (tests/e2e/test_http_framing.py), sent to HAProxy in front:
    400, the connection closed, nothing after it answered; and the servers still answer."""
    url = f"http://127.0.0.1:{cluster.ports.public}"
    # With the cluster's REST token, so that what answers is the framing, not the missing token.
    token = b"Authorization: Bearer " + TEST_REST_TOKEN.encode() + b"\r\n"
    request = HOSTILE[name].replace(b"Host: x\r\n", b"Host: x\r\n" + token, 1)
    with open_socket(url) as attacker:
        attacker.sendall(request)
        received, closed = read_until_closed(attacker)
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    if name == "a request hidden behind a bad one":
        # HAProxy frames each request itself, so the second is a request of its own, not smuggled
        # into the first; it is refused because /metrics is never served on the public address.
        assert b"HTTP/1.1 403" in received and b"si_assistant" not in received, received[-400:]
    else:
        assert received.count(b"HTTP/1.1 ") == 1 and closed, received[:400]
    assert "sacroiliac" in reply_text(post(url, f"after-{uuid.uuid4().hex[:8]}", "what is the SI joint")).lower()


def test_metrics_are_not_served_on_the_public_address(cluster):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{cluster.ports.public}/metrics", timeout=10)
    assert refused.value.code == 403
    with urllib.request.urlopen(f"http://127.0.0.1:{cluster.ports.rasa[0]}/metrics", timeout=10) as direct:
        assert b"si_assistant" in direct.read()


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_rest_through_haproxy_needs_the_token(cluster, token):
    """HAProxy connects from this machine: without a token (the cluster always has one now) and
    without X-Forwarded-For, the servers took every patient's REST request for a local one and
    answered it, to any sender id."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(cluster.url, f"no-token-{uuid.uuid4().hex[:8]}", "what is the SI joint", token=token)
    assert refused.value.code == 401


CLUSTER_IN_FOREGROUND = """
import sys
from pathlib import Path
from serving import cluster
ports = cluster.ClusterPorts(*[int(p) for p in sys.argv[1:4]], rasa=(int(sys.argv[4]), int(sys.argv[5])),
                             action_servers=(int(sys.argv[6]), int(sys.argv[7])), postgres=int(sys.argv[8]),
                             redis=int(sys.argv[9]))
sys.exit(cluster.main([], ports, Path(sys.argv[10])))
"""


def test_make_cluster_stopped_by_sigterm_twice_leaves_nothing_running(trained_model, tmp_path):
    """As an orchestrator, or `kill` sent twice, stops it: PostgreSQL, Redis and the Rasa servers
    once outlived the second signal."""
    ports = [free_port() for _ in range(9)]
    data = Path(tempfile.mkdtemp(prefix="si-cluster-"))
    data.chmod(0o755)  # PostgreSQL runs as its own user
    env = {**os.environ, "SI_SECRET_KEY": TEST_SECRET_KEY, "SI_ACTION_TOKEN": TEST_ACTION_TOKEN}
    log = open(tmp_path / "cluster.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-c", CLUSTER_IN_FOREGROUND, *map(str, ports), str(data)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: "running as a cluster" in (tmp_path / "cluster.log").read_text(), 180)
        children = [
            line.split()
            for line in subprocess.run(
                ["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if str(data) in line or f":{ports[8]}" in line or f"--port {ports[4]}" in line
        ]
        assert len(children) >= 3, children
        process.send_signal(signal.SIGTERM)
        time.sleep(1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(90) == 0
    finally:
        if process.poll() is None:  # the test failed: end the whole cluster, its own session
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(data, ignore_errors=True)

    def left_running():
        return [pid for pid, *_ in children if subprocess.run(["kill", "-0", pid], capture_output=True).returncode == 0]

    deadline = time.monotonic() + 10  # a stopped PostgreSQL removes its pid file before it exits
    while left_running() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not left_running(), f"still running after the cluster stopped: {children}"
