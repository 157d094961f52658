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
from typing import Iterator, List

from si_joint_dev.local_servers import free_port

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Postgres:
    folder: Path
    port: int

    def _run(self, command: List[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        self._run([str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "log"),
                   "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "-w", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"])

    @property
    def endpoint_lines(self) -> str:
        return ("  dialect: postgresql\n  url: 127.0.0.1\n"
                f"  port: {self.port}\n  username: postgres\n  db: conversations\n")


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A new database cluster in its own folder under /tmp (the `postgres` user must reach it),
    deleted afterwards."""
    assert (POSTGRES_BIN / "initdb").exists(), "PostgreSQL 15 is missing: install Debian's postgresql package"
    folder = Path(tempfile.mkdtemp(prefix="si-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Postgres(folder, free_port())
    server._run([str(POSTGRES_BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres"])
    server.start()
    try:
        server._run([str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres",
                     "conversations"])
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
