"""The real action server, Rasa server and (optionally) demo page on free local ports, started by
the same launcher as `make run` (serving/stack.py), for end-to-end tests and benchmarks."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from serving.stack import StackConfig, free_port, start_stack
from si_joint import PROJECT_ROOT as ROOT
from si_joint.conversation_ids import messaging_conversation_id
from si_joint.reply_rules import turn_violations

# Test-only secrets: the servers started here get these, so tests can name conversations.
TEST_SECRET_KEY = "test-secret-key-" + "0" * 32
TEST_ACTION_TOKEN = "test-action-token-" + "1" * 32
TEST_REST_TOKEN = "test-rest-token-" + "2" * 32


def conversation_id(channel: str, platform_id: str) -> str:
    """The tracker store's id of a messaging conversation, as the channel names it."""
    return messaging_conversation_id(channel, platform_id, TEST_SECRET_KEY.encode())


class RunningAssistant:
    def __init__(
        self,
        rasa_url: str,
        actions_url: str,
        processes: Dict[str, subprocess.Popen],
        demo_url: Optional[str] = None,
        api_token: Optional[str] = None,
    ):
        self.rasa_url = rasa_url
        self.actions_url = actions_url
        self.processes = processes
        self.demo_url = demo_url
        self.api_token = api_token

    def tracker(self, conversation_id: str) -> dict:
        """The conversation as Rasa stores it, by its tracker id (`rest:<sender>`, `web:<id>`,
        `conversation_id(...)`); needs the server started with `api_token`."""
        query = urllib.parse.urlencode({"token": self.api_token})
        url = f"{self.rasa_url}/conversations/{urllib.parse.quote(conversation_id, safe='+:')}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())

    def send(self, sender: str, message: str, timeout: float = 60) -> List[dict]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            self.rasa_url + "/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            messages = json.loads(response.read() or b"[]")
        assert_reply_rules(messages, f"REST reply to {message[:80]!r}")
        return messages

    def conversation(self) -> Conversation:
        return Conversation(self)


class Conversation:
    """One patient's chat: a fresh sender id, replies joined as the patient sees them."""

    def __init__(self, assistant: RunningAssistant):
        self.assistant = assistant
        self.sender = "test-" + uuid.uuid4().hex[:12]

    def say(self, message: str) -> List[dict]:
        return self.assistant.send(self.sender, message)


def assert_reply_rules(messages: List[dict], where: str = "reply") -> None:
    """Fails when the bot messages of one turn break a reply rule (si_joint/reply_rules.py). Every
    end-to-end reply passes here: REST (`RunningAssistant.send`, `channel_requests.http`), the web
    chat and the browser (conftest.py, browser_patient.py), the messaging channels as the fake
    platforms receive them (conftest.py)."""
    problems = turn_violations(messages)
    assert not problems, (
        f"{where} breaks the reply rules:\n- "
        + "\n- ".join(problems)
        + ("\nmessages: " + json.dumps(messages, ensure_ascii=False)[:3000])
    )


def reply_text(messages: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def button_titles(messages: List[dict]) -> List[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


@contextmanager
def running_assistant(
    log_dir: Path,
    env_overrides: Optional[Dict[str, str]] = None,
    *,
    demo: bool = False,
    api_token: Optional[str] = None,
    endpoints: Path = ROOT / "endpoints.yml",
) -> Iterator[RunningAssistant]:
    """The stack of `make run` (serving/stack.py) on free ports with test secrets. `demo` also
    serves the demo page and allows its origin; `api_token` turns on Rasa's HTTP API (to read
    trackers) behind that token."""
    log_dir.mkdir(parents=True, exist_ok=True)
    config = StackConfig(
        free_port(),
        free_port(),
        free_port() if demo else None,
        credentials=log_dir / "credentials.yml",
        endpoints=endpoints,
        api_token=api_token,
    )
    origin_port = config.demo_port or free_port()
    env = {
        **os.environ,
        "SI_CHAT_SERVER_URL": config.rasa_url,
        "SI_ALLOWED_ORIGINS": f"http://127.0.0.1:{origin_port},http://localhost:{origin_port}",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SI_SECRET_KEY": TEST_SECRET_KEY,
        "SI_ACTION_TOKEN": TEST_ACTION_TOKEN,
        "SI_CONVERSATIONS_DB": str(log_dir / "conversations.db"),
        **(env_overrides or {}),
    }
    if not (env_overrides or {}).get("SI_CONVERSATIONS_DB"):
        Path(env["SI_CONVERSATIONS_DB"]).unlink(missing_ok=True)  # each stack starts empty
    stack = start_stack(config, env, log_dir)
    try:
        stack.wait_until_up()
        yield RunningAssistant(config.rasa_url, config.actions_url, stack.processes, config.demo_url, api_token)
    finally:
        stack.stop()
