"""`make cluster`: the production topology on this machine, from the project's own files.

PostgreSQL (conversations), Redis (conversation locks, the web chat's shared rooms), two action
servers, two Rasa servers, HAProxy in front of both pairs (deploy/haproxy.cfg) and the demo page,
all on 127.0.0.1. Patients use the same ports as `make run`: REST and the web chat on 5005, the
demo page on 8080. Ctrl-C stops everything it started; conversations stay in var/cluster/.

docker-compose.yml runs the same services with the same variables on separate hosts;
tests/cluster/test_deploy_files.py checks that the two cannot drift apart. The end-to-end cluster tests
start it on free ports with `start_cluster`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Dict, List, Mapping, Optional, Tuple

from channels.credentials import write_credentials
from serving.databases import Postgres, Redis, prepared_postgres
from serving.endpoint_settings import with_endpoint_defaults
from serving.stack import (
    MODEL,
    START_TIMEOUT_S,
    action_server_command,
    answers,
    rasa_server_command,
    serve_in_foreground,
    stop_on_signals,
    stop_processes,
)
from si_joint import PROJECT_ROOT

HAPROXY_CONFIG = PROJECT_ROOT / "deploy" / "haproxy.cfg"
DATA = PROJECT_ROOT / "var" / "cluster"
INSTANCES = 2
# A stopping Rasa server keeps answering this long after failing its readiness check: HAProxy
# takes up to 3 checks 3 s apart to stop sending it turns (deploy/haproxy.cfg).
DRAIN_S = 12


@dataclass
class ClusterPorts:
    public: int = 5005  # HAProxy: REST and the web chat
    demo: int = 8080
    actions: int = 5055  # HAProxy: the action servers, for the Rasa servers
    rasa: Tuple[int, ...] = (5006, 5007)
    action_servers: Tuple[int, ...] = (5056, 5057)
    postgres: int = 5433
    redis: int = 6380


def cluster_environment(ports: ClusterPorts, base: Mapping[str, str]) -> Dict[str, str]:
    """Every variable the cluster's processes read, beyond the secrets: endpoints.yml's stores,
    the web chat's origins and Redis, and HAProxy's addresses."""
    env = {
        **base,
        "SI_DB_DIALECT": "postgresql",
        "SI_DB_HOST": "127.0.0.1",
        "SI_DB_PORT": str(ports.postgres),
        "SI_DB_USER": "postgres",
        "SI_DB_PASSWORD": "",
        "SI_CONVERSATIONS_DB": "conversations",
        "SI_LOCK_STORE": "serving.lock_store.AtomicRedisLockStore",
        "SI_REDIS_HOST": "127.0.0.1",
        "SI_REDIS_PORT": str(ports.redis),
        "SI_REDIS_PASSWORD": "",
        "ACTION_SERVER_HOST": "127.0.0.1",
        "ACTION_SERVER_PORT": str(ports.actions),
        "SI_PUBLIC_ADDRESS": f"127.0.0.1:{ports.public}",
        "SI_ACTIONS_ADDRESS": f"127.0.0.1:{ports.actions}",
        "DEMO_PORT": str(ports.demo),
        "RASA_TELEMETRY_ENABLED": "false",
        "SI_DRAIN_SECONDS": str(DRAIN_S),
    }
    env.setdefault("SI_ALLOWED_ORIGINS", f"http://localhost:{ports.demo},http://127.0.0.1:{ports.demo}")
    env.setdefault("SI_CHAT_SERVER_URL", f"http://localhost:{ports.public}")
    for number, (rasa, actions) in enumerate(zip(ports.rasa, ports.action_servers, strict=True), start=1):
        env[f"SI_RASA_{number}_ADDRESS"] = f"127.0.0.1:{rasa}"
        env[f"SI_ACTIONS_{number}_ADDRESS"] = f"127.0.0.1:{actions}"
    return with_endpoint_defaults(env)


@dataclass
class Cluster:
    ports: ClusterPorts
    env: Dict[str, str]
    log_dir: Optional[Path]
    postgres: Postgres
    redis: Redis
    credentials: Path
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.public}"

    @property
    def rest_token(self) -> str:
        return self.env["SI_REST_TOKEN"]

    def start(self, name: str, command: List[str]) -> None:
        output: Optional[IO] = open(self.log_dir / f"{name}.log", "a") if self.log_dir else None  # noqa: SIM115
        try:
            self.processes[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT if output else None
            )
        finally:
            if output:
                output.close()

    def start_rasa(self, number: int) -> None:
        port = self.ports.rasa[number - 1]
        self.start(
            f"rasa-{number}", rasa_server_command(port, self.credentials, PROJECT_ROOT / "endpoints.yml", self.env)
        )

    def start_action_server(self, number: int) -> None:
        self.start(f"actions-{number}", action_server_command(self.ports.action_servers[number - 1]))

    def restart_server(self, name: str) -> bool:
        """Starts a Rasa or action server that exited again, as compose's restart policy does;
        False for the other processes."""
        kind, _, number = name.rpartition("-")
        if kind not in ("rasa", "actions"):
            return False
        print(f"{name} exited; starting it again.", file=sys.stderr, flush=True)
        if kind == "rasa":
            self.start_rasa(int(number))
        else:
            self.start_action_server(int(number))
        return True

    def wait_until_up(self, timeout_s: float = START_TIMEOUT_S) -> None:
        urls = [f"http://127.0.0.1:{port}/health" for port in self.ports.action_servers]
        urls += [f"http://127.0.0.1:{port}/ready" for port in self.ports.rasa]
        # Through HAProxy, once each of its backends has seen a Rasa server pass its checks.
        urls += [
            self.url + "/",
            self.url + "/socket.io/?EIO=4&transport=polling",
            f"http://127.0.0.1:{self.ports.demo}/",
        ]
        deadline = time.monotonic() + timeout_s
        for url in urls:
            while not answers(url):
                exited = [name for name, process in self.processes.items() if process.poll() is not None]
                if exited:
                    raise RuntimeError(f"{', '.join(exited)} exited during start-up (logs: {self.log_dir or 'above'})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not come up within {timeout_s:.0f} s")
                time.sleep(0.5)

    def stop(self) -> None:
        try:
            stop_processes(self.processes.values(), DRAIN_S + 20)
        finally:
            try:
                self.redis.stop()
            finally:
                try:
                    self.postgres.stop()
                except subprocess.CalledProcessError:
                    pass  # already stopped


def install_cluster_software() -> None:
    """PostgreSQL, Redis and HAProxy from Debian's packages, when missing (scripts/ensure_cluster_software.sh)."""
    result = subprocess.run([str(PROJECT_ROOT / "scripts" / "ensure_cluster_software.sh")], check=False)
    if result.returncode:
        raise RuntimeError("PostgreSQL 15, Redis and HAProxy are needed (see above)")


def rest_token(base_env: Mapping[str, str], data: Path) -> str:
    """SI_REST_TOKEN from the environment, or the one made for this machine in `data/rest-token`
    (mode 600): REST clients reach the Rasa servers through HAProxy, so they must send it."""
    if base_env.get("SI_REST_TOKEN"):
        return base_env["SI_REST_TOKEN"]
    path = data / "rest-token"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def start_cluster(
    ports: ClusterPorts, base_env: Mapping[str, str], data: Path = DATA, log_dir: Optional[Path] = None
) -> Cluster:
    """Starts every server (ready when `wait_until_up` returns); `stop()` ends them all."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    install_cluster_software()
    data.mkdir(parents=True, exist_ok=True)
    env = {**cluster_environment(ports, base_env), "SI_REST_TOKEN": rest_token(base_env, data)}
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    credentials = (log_dir or data) / "credentials.yml"
    write_credentials(credentials, env)
    redis = Redis(ports.redis)
    redis.start()
    try:
        postgres = prepared_postgres(data / "postgres", ports.postgres)
    except BaseException:
        redis.stop()
        raise
    cluster = Cluster(ports, env, log_dir, postgres, redis, credentials)
    try:
        for number in range(1, INSTANCES + 1):
            cluster.start_action_server(number)
            cluster.start_rasa(number)
        cluster.start("haproxy", ["haproxy", "-db", "-f", str(HAPROXY_CONFIG)])
        cluster.start("demo-page", [sys.executable, "-m", "serving.demo_server"])
    except BaseException:
        cluster.stop()
        raise
    return cluster


WELCOME = """
The SI joint assistant is running as a cluster: HAProxy in front of {instances} Rasa servers and
{instances} action servers, conversations in PostgreSQL (127.0.0.1:{postgres}), locks and the web
chat's rooms in Redis (127.0.0.1:{redis}).
  Chat in a browser: http://localhost:{demo}/   (open the "Chat" button)
  Chat over REST:    curl -s -X POST http://localhost:{public}/webhooks/rest/webhook \\
                       -H "Authorization: Bearer $(cat {token_file})" \\
                       -H 'Content-Type: application/json' -d '{{"sender": "me", "message": "what is the SI joint"}}'
                     (the token is SI_REST_TOKEN when set, else the one made in {token_file})
  Metrics:           http://127.0.0.1:{rasa}/metrics (each Rasa server)
Press Ctrl-C to stop everything.
"""


def main(argv: Optional[List[str]] = None, ports: Optional[ClusterPorts] = None, data: Path = DATA) -> int:
    """`make cluster` (the tests give their own ports and data folder)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    ports = ports or ClusterPorts(
        public=int(os.environ.get("RASA_PORT", 5005)), demo=int(os.environ.get("DEMO_PORT", 8080))
    )
    stop_on_signals()  # before anything starts: PostgreSQL runs on its own once started
    try:
        cluster = start_cluster(ports, os.environ, data)
    except (RuntimeError, subprocess.CalledProcessError, AssertionError) as error:
        print(f"make cluster: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0  # start_cluster stopped what it had started
    welcome = WELCOME.format(
        instances=INSTANCES,
        postgres=ports.postgres,
        redis=ports.redis,
        demo=ports.demo,
        public=ports.public,
        rasa=ports.rasa[0],
        token_file=data / "rest-token",
    )
    return serve_in_foreground(cluster, welcome, restart=cluster.restart_server)


if __name__ == "__main__":
    sys.exit(main())
