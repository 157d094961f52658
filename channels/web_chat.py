"""The website chat: Rasa's socket.io channel with the origin allowlist and session handling fixed.

Compared with Rasa 3.6's `socketio` channel:
- only pages from the origins in `cors_allowed_origins` may connect, on any transport (Rasa's own
  channel accepts any origin on the websocket transport); an empty list is refused at start-up
  rather than meaning "anyone". The same list goes to `rasa run --cors`, which sets the CORS headers
  of the polling transport, so engine.io is left not to add a second copy of them;
- `session_request` awaits `enter_room` (with python-socketio 5.10+ Rasa's call is a coroutine
  that never runs, so replies to a persistent session are never delivered);
- a session id must look like one the server hands out (32 hex digits), and a socket may only send
  into the session it was confirmed for, so one browser cannot write into another's conversation.
"""
from __future__ import annotations

import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from socketio import AsyncServer

logger = logging.getLogger(__name__)

_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def parse_origins(value: Any) -> List[str]:
    """Origins from a list or a comma/space separated string (as an environment variable gives)."""
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value or ""))
    origins = [str(item).strip().rstrip("/") for item in items if str(item).strip()]
    if "*" in origins:
        raise ValueError("cors_allowed_origins must list origins; '*' would let any website use the chat")
    bad = [origin for origin in origins if not re.match(r"^https?://[^/\s]+$", origin)]
    if bad:
        raise ValueError(f"cors_allowed_origins: not an origin (scheme://host[:port]): {', '.join(bad)}")
    return origins


class WebChatInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        origins = parse_origins(credentials.get("cors_allowed_origins"))
        if not origins:
            raise ValueError("the website chat needs cors_allowed_origins (SI_ALLOWED_ORIGINS)")
        return cls(
            allowed_origins=origins,
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        allowed_origins: List[str],
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        socketio_path: Text = "/socket.io",
    ) -> None:
        self.allowed_origins = allowed_origins
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.sio: Optional[AsyncServer] = None
        self.sessions: Dict[str, str] = {}  # socket id -> confirmed session id

    def get_output_channel(self) -> Optional[SocketIOOutput]:
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        self.sio = sio
        chat_blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @chat_blueprint.route("/", methods=["GET"])
        async def health(_: Any) -> Any:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin and origin.rstrip("/") not in self.allowed_origins:
                logger.warning("Web chat connection from an origin not in SI_ALLOWED_ORIGINS refused")
                return False
            return True

        @sio.on("disconnect")
        async def disconnect(sid: Text) -> None:
            self.sessions.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: Text, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and _SESSION_ID.match(requested) else uuid.uuid4().hex
            previous = self.sessions.get(sid)
            if previous and previous != session_id:
                await sio.leave_room(sid, previous)
            await sio.enter_room(sid, session_id)
            self.sessions[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any) -> None:
            session_id = self.sessions.get(sid)
            if session_id is None:
                logger.warning("Web chat message before session_request; ignored")
                return
            text = data.get("message") if isinstance(data, dict) else None
            await on_new_message(
                UserMessage(
                    text if isinstance(text, str) else "",
                    SocketIOOutput(sio, self.bot_message_evt),
                    session_id,
                    input_channel=self.name(),
                )
            )

        return chat_blueprint
