"""Real PostgreSQL and Redis servers on 127.0.0.1 and free ports, for the tests that need them.
Both come from Debian's packages (postgresql, redis-server); PostgreSQL runs as the `postgres`
user, since it refuses to run as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from serving.stack import free_port

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Postgres:
    folder: Path
    port: int

    def _run(self, command: List[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        self._run(
            [
                str(POSTGRES_BIN / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-l",
                str(self.folder / "log"),
                "-o",
                f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1",
                "-w",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        self._run([str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"])

    @property
    def environment(self) -> Dict[str, str]:
        """The variables that point endpoints.yml's tracker store here."""
        return {
            "SI_DB_DIALECT": "postgresql",
            "SI_DB_HOST": "127.0.0.1",
            "SI_DB_PORT": str(self.port),
            "SI_DB_USER": "postgres",
            "SI_CONVERSATIONS_DB": "conversations",
        }


def prepared_postgres(folder: Path, port: int) -> Postgres:
    """A PostgreSQL cluster in `folder` (made with a `conversations` database when new), started."""
    assert (POSTGRES_BIN / "initdb").exists(), "PostgreSQL 15 is missing: install Debian's postgresql package"
    new = not (folder / "data" / "PG_VERSION").exists()
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Postgres(folder, port)
    if new:
        server._run([str(POSTGRES_BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres"])
    server.start()
    if new:
        server._run(
            [str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "conversations"]
        )
    return server


@dataclass
class Redis:
    """redis-server on 127.0.0.1, keeping nothing on disk (locks and message ids are short-lived)."""

    port: int
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        assert shutil.which("redis-server"), "Redis is missing: install Debian's redis-server package"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, 20)

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    @property
    def environment(self) -> Dict[str, str]:
        """The variables that point endpoints.yml's lock store and the web chat here."""
        return {
            "SI_LOCK_STORE": "serving.lock_store.AtomicRedisLockStore",
            "SI_REDIS_HOST": "127.0.0.1",
            "SI_REDIS_PORT": str(self.port),
        }


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A new database cluster in its own folder under /tmp (the `postgres` user must reach it),
    deleted afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="si-postgres-"))
    server = prepared_postgres(folder, free_port())
    try:
        yield server
    finally:
        try:
            server.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped by the test
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(check, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.2)
