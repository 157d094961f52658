"""The one launcher of the three-process stack: the action server, the Rasa server (REST, the web
chat and every messaging channel whose variables are set) and, optionally, the demo page.

`make run` runs it as `python -m serving.stack` (with the local secrets of scripts/local_secrets.sh),
and the end-to-end tests and benchmarks start it through `start_stack` on free ports
(si_joint_dev/running_assistant.py). Either way the processes get the same commands and the same
readiness checks; any one exiting during start-up stops the rest with its log.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Dict, Iterable, List, Mapping, Optional, Protocol

from channels.credentials import CredentialsError, write_credentials
from serving.endpoint_settings import with_endpoint_defaults
from si_joint import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "si_joint_assistant.tar.gz"
START_TIMEOUT_S = 240
MODEL_LOAD_GRACE_S = 30  # Rasa loads its model before it serves: "/ready" follows "/" at once


@dataclass
class StackConfig:
    actions_port: int
    rasa_port: int
    demo_port: Optional[int] = None  # None: no demo page
    credentials: Path = PROJECT_ROOT / "build" / "credentials.yml"
    endpoints: Path = PROJECT_ROOT / "endpoints.yml"
    api_token: Optional[str] = None  # turns on Rasa's HTTP API (to read trackers) behind this token
    extra_rasa_args: List[str] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def demo_url(self) -> Optional[str]:
        return f"http://127.0.0.1:{self.demo_port}" if self.demo_port else None


class Stack:
    """The started processes, by name; `stop()` ends them (SIGTERM, then SIGKILL after 20 s)."""

    def __init__(self, config: StackConfig, processes: Dict[str, subprocess.Popen], logs: Dict[str, Optional[Path]]):
        self.config = config
        self.processes = processes
        self.logs = logs
        self.channels: List[str] = []  # the messaging channels turned on by their variables

    def wait_until_up(self, timeout_s: float = START_TIMEOUT_S) -> None:
        urls = [f"{self.config.actions_url}/health", f"{self.config.rasa_url}/"]
        if self.config.demo_url:
            urls.append(self.config.demo_url + "/")
        deadline = time.monotonic() + timeout_s
        for url in urls:
            self._wait_for(url, deadline, f"{url} did not come up within {timeout_s:.0f} s")
        # Rasa serves without a model it could not load, and every patient would get "try again".
        log = self.logs.get("rasa server") or "its output above"
        self._wait_for(
            f"{self.config.rasa_url}/ready",
            min(deadline, time.monotonic() + MODEL_LOAD_GRACE_S),
            f"the Rasa server is up but its model did not load (see {log})",
        )

    def _wait_for(self, url: str, deadline: float, problem: str) -> None:
        while not answers(url):
            self._check_running()
            if time.monotonic() > deadline:
                raise RuntimeError(problem)
            time.sleep(0.5)

    def _check_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = self.logs.get(name)
                tail = log.read_text()[-3000:] if log and log.exists() else ""
                raise RuntimeError(f"{name} exited during start-up\n{tail}".rstrip())

    def stop(self) -> None:
        stop_processes(self.processes.values())


def stop_processes(processes: Iterable[subprocess.Popen], timeout_s: float = 20) -> None:
    """SIGTERM to every process still running, then SIGKILL to those not gone after `timeout_s`."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()


def start_stack(config: StackConfig, env: Mapping[str, str], log_dir: Optional[Path] = None) -> Stack:
    """Starts the processes (not yet ready: call `wait_until_up`). With `log_dir`, each writes its
    own log file there; without, they share this process's output."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    env = with_endpoint_defaults(
        {**env, "ACTION_SERVER_PORT": str(config.actions_port), "RASA_TELEMETRY_ENABLED": "false"}
    )
    if config.demo_port:
        env.update(
            {
                "DEMO_PORT": str(config.demo_port),
                "SI_CHAT_SERVER_URL": env.get("SI_CHAT_SERVER_URL") or f"http://localhost:{config.rasa_port}",
            }
        )
    channels = write_credentials(config.credentials, env)
    commands = _commands(config, env)
    processes: Dict[str, subprocess.Popen] = {}
    logs: Dict[str, Optional[Path]] = {}
    try:
        for name, command in commands.items():
            log_path = log_dir / (name.replace(" ", "_") + ".log") if log_dir else None
            logs[name] = log_path
            output: Optional[IO] = open(log_path, "w") if log_path else None  # noqa: SIM115
            try:
                processes[name] = subprocess.Popen(
                    command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None
                )
            finally:
                if output:
                    output.close()
    except BaseException:
        Stack(config, processes, logs).stop()
        raise
    stack = Stack(config, processes, logs)
    stack.channels = channels
    return stack


def _commands(config: StackConfig, env: Mapping[str, str]) -> Dict[str, List[str]]:
    commands = {
        "action server": action_server_command(config.actions_port),
        "rasa server": rasa_server_command(
            config.rasa_port, config.credentials, config.endpoints, env, config.api_token
        )
        + config.extra_rasa_args,
    }
    if config.demo_port:
        commands["demo page"] = [sys.executable, "-m", "serving.demo_server"]
    return commands


def action_server_command(port: int) -> List[str]:
    return [sys.executable, "-m", "serving.action_server", "--port", str(port)]


def rasa_server_command(
    port: int, credentials: Path, endpoints: Path, env: Mapping[str, str], api_token: Optional[str] = None
) -> List[str]:
    """`make run`'s Rasa server, on `port`, allowing the origins of SI_ALLOWED_ORIGINS."""
    origins = [o for o in env.get("SI_ALLOWED_ORIGINS", "").replace(",", " ").split() if o]
    rasa = [
        sys.executable,
        "-m",
        "serving.rasa_server",
        "--model",
        str(MODEL),
        "--port",
        str(port),
        "--credentials",
        str(credentials),
        "--endpoints",
        str(endpoints),
    ]
    if origins:
        rasa += ["--cors", *origins]
    if api_token:
        rasa += ["--enable-api", "--auth-token", api_token]
    return rasa


def answers(url: str) -> bool:
    """Whether `url` answers a GET with a success status."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


WELCOME = """
The SI joint assistant is running.
  Chat in a browser: http://localhost:{demo_port}/   (open the "Chat" button)
  Chat over REST:    curl -s -X POST http://localhost:{rasa_port}/webhooks/rest/webhook \\
                       -H 'Content-Type: application/json' -d '{{"sender": "me", "message": "what is the SI joint"}}'
  Allowed origins:   {origins}
  Action server:     http://localhost:{actions_port}/health
Press Ctrl-C to stop.
"""


def free_port() -> int:
    """A port no process listens on now, on 127.0.0.1 (for tests, benchmarks and `make cluster`)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# `make run` on this machine: only the demo page may open the web chat, and nothing listens beyond it.
LOCAL_DEFAULTS = {
    "SI_RASA_HOST": "127.0.0.1",
    "ACTION_SERVER_HOST": "127.0.0.1",
    "SI_ALLOWED_ORIGINS": "http://localhost:{demo_port},http://127.0.0.1:{demo_port}",
}


def main(argv: Optional[List[str]] = None) -> int:
    """`make run`: start everything in the foreground, say where to chat, stop all on Ctrl-C,
    SIGTERM, or when any one process exits."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", 5055)))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--demo-port", type=int, default=int(os.environ.get("DEMO_PORT", 8080)))
    args = parser.parse_args(argv)
    for name, default in LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, default.format(demo_port=args.demo_port))
    config = StackConfig(
        args.actions_port, args.rasa_port, args.demo_port, extra_rasa_args=os.environ.get("RASA_EXTRA_ARGS", "").split()
    )
    stop_on_signals()
    try:
        stack = start_stack(config, os.environ)
    except (CredentialsError, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    print("Messaging channels on: " + (", ".join(stack.channels) or "none (no channel variables set)"))
    welcome = WELCOME.format(
        demo_port=args.demo_port,
        rasa_port=args.rasa_port,
        actions_port=args.actions_port,
        origins=os.environ.get("SI_ALLOWED_ORIGINS", ""),
    )
    return serve_in_foreground(stack, welcome)


class Started(Protocol):
    processes: Dict[str, subprocess.Popen]

    def wait_until_up(self) -> None: ...

    def stop(self) -> None: ...


def serve_in_foreground(started: Started, welcome: str, restart: Optional[Callable[[str], bool]] = None) -> int:
    """Waits until everything is up, says `welcome`, and runs until Ctrl-C, SIGTERM or a process
    exits that `restart` (given its name) does not start again; then stops them all (`make run`,
    `make cluster`)."""
    stop_on_signals()
    try:
        started.wait_until_up()
        print(welcome, flush=True)
        while True:
            time.sleep(1)
            exited = [name for name, process in list(started.processes.items()) if process.poll() is not None]
            stopping = [name for name in exited if not (restart and restart(name))]
            if stopping:
                print(f"The {stopping[0]} exited; stopping the others.", file=sys.stderr)
                return 1
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        started.stop()


def stop_on_signals() -> None:
    """The first SIGINT or SIGTERM raises KeyboardInterrupt, so the caller stops what it started;
    later ones are ignored while it does (a second `kill` or Ctrl-C once left PostgreSQL, Redis and
    the Rasa servers running). SIGINT too: a shell's background job ignores it."""
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _stop_requested)


def _stop_requested(*_: object) -> None:
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, _already_stopping)
    raise KeyboardInterrupt


def _already_stopping(*_: object) -> None:
    print("Already stopping: waiting for the servers to finish their turns.", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
