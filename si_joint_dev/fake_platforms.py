"""Stand-ins for the messaging platforms' APIs (Telegram, Facebook Graph, Slack Web API, Twilio),
on one local port, so the real Rasa server's channels can send replies offline.

Each request the assistant makes is recorded (platform, method path, headers, body); the answer
is the minimal success answer that platform documents.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Tuple


@dataclass
class PlatformCall:
    platform: str
    path: str
    headers: Dict[str, str]
    body: dict
    at: float = field(default_factory=time.monotonic)

    @property
    def method(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


_MENU_LINE = re.compile(r"^Reply (\d+) for (.+)$")


def sent_message(call: PlatformCall) -> Optional[Tuple[str, dict, int]]:
    """(recipient, message as Rasa's REST channel would give it, characters the platform shows as
    text) for a call that sends the patient a message; None for any other call. Buttons are read
    as each platform renders them: Facebook buttons and quick replies, Slack action blocks,
    Telegram inline keyboards, and SMS/WhatsApp "Reply N for ..." lines."""
    body = call.body
    if call.platform == "telegram" and call.method == "sendMessage":
        rows = (body.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = [{"title": b.get("text"), "payload": b.get("callback_data")} for row in rows for b in row]
        text = body.get("text") or ""
        return str(body.get("chat_id")), {"text": text, "buttons": buttons}, len(text)
    if call.platform == "facebook" and isinstance(body.get("message"), dict):
        message = body["message"]
        template = (message.get("attachment") or {}).get("payload") or {}
        text = message.get("text") or template.get("text") or ""
        options = template.get("buttons") or message.get("quick_replies") or []
        buttons = [{"title": b.get("title"), "payload": b.get("payload")} for b in options]
        return str((body.get("recipient") or {}).get("id")), {"text": text, "buttons": buttons}, len(text)
    if call.platform == "slack" and call.method == "chat.postMessage":
        blocks = body.get("blocks") or []
        sections = [b["text"].get("text") or "" for b in blocks if b.get("type") == "section" and b.get("text")]
        text = "\n\n".join(sections) if sections else body.get("text") or ""
        buttons = [
            {"title": (e.get("text") or {}).get("text"), "payload": e.get("value")}
            for b in blocks
            if b.get("type") == "actions"
            for e in b.get("elements") or []
        ]
        return str(body.get("channel")), {"text": text, "buttons": buttons}, len(text)
    if call.platform == "twilio" and "Body" in body:
        lines, buttons = [], []
        for line in (body.get("Body") or "").split("\n"):
            menu = _MENU_LINE.match(line.strip())
            if menu:
                buttons.append({"title": menu.group(2), "payload": ""})  # numbered per message
            else:
                lines.append(line)
        return body.get("To", ""), {"text": "\n".join(lines).strip(), "buttons": buttons}, len(body.get("Body") or "")
    return None


SUCCESS = {
    "telegram": {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1}}},
    "facebook": {"recipient_id": "1", "message_id": "m_1"},
    "slack": {"ok": True, "channel": "D1", "ts": "1700000000.000100"},
    "twilio": {"sid": "SM00000000000000000000000000000000", "status": "queued"},
}


class FakePlatforms:
    def __init__(self) -> None:
        self.calls: List[PlatformCall] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def api_url(self, platform: str) -> str:
        return f"{self.url}/{platform}"

    def start(self) -> FakePlatforms:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls_to(self, platform: str, where: Callable[[PlatformCall], bool] = lambda call: True) -> List[PlatformCall]:
        with self.lock:
            return [call for call in self.calls if call.platform == platform and where(call)]

    def wait_for(self, platform: str, where: Callable[[PlatformCall], bool], timeout: float = 60) -> List[PlatformCall]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(platform, where)
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no matching {platform} API call within {timeout} s; saw {self.calls_to(platform)}")

    def _handler(self):
        platforms = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                platform = self.path.strip("/").split("/", 1)[0]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    body = dict(urllib.parse.parse_qsl(raw.decode()))
                else:
                    body = json.loads(raw or b"{}")
                with platforms.lock:
                    platforms.calls.append(PlatformCall(platform, self.path, dict(self.headers), body))
                answer = json.dumps(SUCCESS.get(platform, {})).encode()
                self.send_response(201 if platform == "twilio" else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
                pass

        return Handler
