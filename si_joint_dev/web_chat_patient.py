"""A patient on the web chat as the widget talks to the server (web/widget/si-chat.js): socket.io,
a signed session token asked for on every connection, each message numbered and sent again until
the server acknowledges it. Python-socketio's threaded client: the project's pinned aiohttp breaks
its asyncio websocket client."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Dict, List, Optional

import socketio

ACK_TIMEOUT_S = 20.0
NOT_YET_RETRY_S = 5.0  # the widget's wait before sending again a message another copy is answering


class WebChatPatient:
    def __init__(
        self, server_url: str, origin: str, session_token: Optional[str] = None, transports: Optional[List[str]] = None
    ):
        """`transports`: engine.io's, by default polling upgraded to a websocket as in a browser;
        ["polling"] as behind a proxy that blocks websockets."""
        self.server_url = server_url
        self.transports = transports
        self.origin = origin
        self.session_token = session_token
        self.replies: List[Dict[str, Any]] = []
        self.resend_reasons: List[str] = []  # one per message sent again
        self._confirmed = threading.Event()
        self._changed = threading.Condition()
        self._acked: set = set()
        self._not_answered: set = set()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.client.on("session_confirm", self._on_session)
        self.client.on("bot_uttered", self._on_reply)

    def connect(self, timeout_s: float = 30) -> WebChatPatient:
        self.client.connect(
            self.server_url, headers={"Origin": self.origin}, transports=self.transports, wait_timeout=timeout_s
        )
        if not self._confirmed.wait(timeout_s):
            raise TimeoutError("no session_confirm")
        return self

    def close(self) -> None:
        self.client.disconnect()

    @property
    def conversation_id(self) -> str:
        assert self.session_token
        return "web:" + self.session_token.split(".")[0]

    def say(self, text: str, timeout_s: float = 120) -> List[Dict[str, Any]]:
        """The bot messages of this turn; sends again (same message id) until the server says it
        answered it, as the widget does."""
        message_id = uuid.uuid4().hex
        with self._changed:
            start = len(self.replies)
        deadline = time.monotonic() + timeout_s
        why_again: Optional[str] = None
        while time.monotonic() < deadline:
            if not self._confirmed.wait(max(0.0, deadline - time.monotonic())):
                break
            if why_again:
                self.resend_reasons.append(why_again)
            why_again = "disconnected"
            try:
                self.client.emit(
                    "user_uttered",
                    {"message": text, "session_id": self.session_token, "message_id": message_id},
                    callback=lambda *reply: self._ack(message_id, reply),
                )
            except socketio.exceptions.BadNamespaceError:
                continue  # disconnected between the check and the emit
            with self._changed:
                self._changed.wait_for(
                    lambda: message_id in self._acked | self._not_answered or not self._confirmed.is_set(),
                    timeout=min(ACK_TIMEOUT_S, max(0.0, deadline - time.monotonic())),
                )
                if message_id in self._acked:
                    return self.replies[start:]
                answering_elsewhere = message_id in self._not_answered
                self._not_answered.discard(message_id)
                if answering_elsewhere:
                    why_again = "claimed by another copy"
                elif self._confirmed.is_set():
                    why_again = f"no acknowledgement within {ACK_TIMEOUT_S:.0f} s"
            if answering_elsewhere:  # claimed by another copy, maybe on a server that died: ask again later
                time.sleep(NOT_YET_RETRY_S)
        raise TimeoutError(f"no acknowledgement of {text!r} within {timeout_s:.0f} s")

    def _on_connect(self) -> None:
        self.client.emit("session_request", {"session_id": self.session_token})

    def _on_disconnect(self, *_: Any) -> None:
        self._confirmed.clear()
        with self._changed:
            self._changed.notify_all()

    def _on_session(self, token: Any) -> None:
        self.session_token = token if isinstance(token, str) else None
        self._confirmed.set()
        with self._changed:
            self._changed.notify_all()

    def _on_reply(self, message: Dict[str, Any]) -> None:
        with self._changed:
            self.replies.append(message)

    def _ack(self, message_id: str, reply: tuple) -> None:
        """The server's acknowledgement: {"answered": true} when the turn is done."""
        answered = bool(reply and isinstance(reply[0], dict) and reply[0].get("answered"))
        with self._changed:
            (self._acked if answered else self._not_answered).add(message_id)
            self._changed.notify_all()
