"""The website chat: Rasa's socket.io channel with the origin allowlist and session handling fixed.

Compared with Rasa 3.6's `socketio` channel:
- only pages from the origins in `cors_allowed_origins` may connect, on any transport (Rasa's own
  channel accepts any origin on the websocket transport); an empty list is refused at start-up
  rather than meaning "anyone". The same list goes to `rasa run --cors`, which sets the CORS headers
  of the polling transport, so engine.io is left not to add a second copy of them;
- `session_request` awaits `enter_room` (with python-socketio 5.10+ Rasa's call is a coroutine
  that never runs, so replies to a persistent session are never delivered);
- a session id is a token the server issued and signed (si_joint.conversation_ids); an unsigned or
  forged one gets a new conversation, and a socket may only send into the session it was confirmed
  for. The conversation is `web:<id>`, an id space no other channel can name;
- a client's own `connect` or `disconnect` event is ignored (WebChatServer);
- a socket.io message is at most REQUEST_MAX_BYTES, and every message goes through
  `channels.conversations.deliver` (length bound, payload check, no text in logs);
- a message is acknowledged (socket.io ack) when its turn is done, and a message the widget sends
  again with the same `message_id` is not answered twice (channels/delivered_messages.py);
- with `redis_host` (SI_REDIS_HOST), several Rasa instances share their sockets' rooms through
  Redis (python-socketio's AsyncRedisManager): a reply reaches the conversation's sockets wherever
  they are connected. engine.io sets its `io` cookie, on which HAProxy keeps a polling client on one
  instance (deploy/haproxy.cfg). Without Redis, or while it is down, replies reach the sockets
  connected to this instance, which include the one that asked.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from socketio import AsyncRedisManager, AsyncServer

from channels.conversations import OnNewMessage, deliver
from channels.delivered_messages import ANSWERED, CLAIMED, DeliveredMessages, valid_message_id
from si_joint.conversation_ids import new_web_session, web_conversation_id
from si_joint.conversation_language import PAGE_LANGUAGE
from si_joint.conversation_report import ANSWERED_ENTRY
from si_joint.message_limits import REQUEST_MAX_BYTES

LANGUAGE_CODE = re.compile(r"[a-z]{2}")
logger = logging.getLogger(__name__)


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


# A Redis that does not answer must not hold a patient's turn for long (the room manager's own
# connection waits for messages, so only its connecting is bounded).
REDIS_TIMEOUT_S = 2


def redis_settings(credentials: Dict[Text, Any]) -> Optional[Dict[str, Any]]:
    """host, port and password from the credentials (SI_REDIS_*), or None when no host is set."""
    host = str(credentials.get("redis_host") or "").strip()
    if not host:
        return None
    return {
        "host": host,
        "port": int(credentials.get("redis_port") or 6379),
        "password": str(credentials.get("redis_password") or "") or None,
    }


def redis_url(settings: Dict[str, Any]) -> str:
    return f"redis://{settings['host']}:{settings['port']}/0"


def _redis_client(settings: Dict[str, Any]) -> Any:
    import redis.asyncio

    return redis.asyncio.Redis(
        host=settings["host"],
        port=settings["port"],
        password=settings["password"],
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
    )


class WebChatServer(AsyncServer):
    """socket.io's server, except that an event a client emits under a name the server keeps for
    itself (`connect`, `disconnect`) is ignored: python-socketio would run the server's own handler
    for it, and a client's `disconnect` would drop its session."""

    async def _handle_event(self, eio_sid: str, namespace: Optional[str], id: Any, data: Any) -> None:
        if isinstance(data, list) and data and data[0] in self.reserved_events:
            logger.warning("A web chat client emitted the reserved event %r; ignored", data[0])
            return
        await super()._handle_event(eio_sid, namespace, id, data)


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
            redis=redis_settings(credentials),
        )

    def __init__(
        self,
        allowed_origins: List[str],
        user_message_evt: Text = "user_uttered",
        bot_message_evt: Text = "bot_uttered",
        socketio_path: Text = "/socket.io",
        redis: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.allowed_origins = allowed_origins
        self.redis = redis
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.sio: Optional[AsyncServer] = None
        self.sessions: Dict[str, str] = {}  # socket id -> confirmed conversation id

    def get_output_channel(self) -> Optional[SocketIOOutput]:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        manager = (
            AsyncRedisManager(
                redis_url(self.redis),
                redis_options={"socket_connect_timeout": REDIS_TIMEOUT_S, "password": self.redis["password"]},
            )
            if self.redis
            else None
        )
        sio = WebChatServer(
            async_mode="sanic",
            cors_allowed_origins=[],
            max_http_buffer_size=REQUEST_MAX_BYTES,
            client_manager=manager,
            cookie="io",
        )
        self.sio = sio
        delivered = DeliveredMessages(_redis_client(self.redis) if self.redis else None)
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
            token = data.get("session_id") if isinstance(data, dict) else None
            conversation_id = web_conversation_id(token)
            if conversation_id is None:
                token = new_web_session()
                conversation_id = web_conversation_id(token)
                assert conversation_id is not None, "a new session's token is always valid"
            previous = self.sessions.get(sid)
            if previous and previous != conversation_id:
                await sio.leave_room(sid, previous)
            await sio.enter_room(sid, conversation_id)
            self.sessions[sid] = conversation_id
            await sio.emit("session_confirm", token, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> Optional[Dict[str, bool]]:
            """Returns the acknowledgement, once the turn is done; none when there was no turn. A
            message without its object (or with more arguments) is still answered."""
            conversation_id = self.sessions.get(sid)
            if conversation_id is None:
                logger.warning("Web chat message before session_request; ignored")
                return None
            text = data.get("message") if isinstance(data, dict) else None
            message_id = valid_message_id(data.get("message_id")) if isinstance(data, dict) else None
            request = (sio.get_environ(sid) or {}).get("sanic.request")
            if request is None:
                return None  # the socket closed meanwhile
            claim = await delivered.claim(conversation_id, message_id) if message_id else CLAIMED
            if claim != CLAIMED:
                return {"answered": claim == ANSWERED}
            output = WebChatOutput(sio, self.bot_message_evt)
            metadata = page_language_metadata(data.get("language") if isinstance(data, dict) else None)
            await deliver(request, on_new_message, text, output, conversation_id, self.name(), metadata=metadata)
            if message_id:
                await delivered.remember(conversation_id, message_id)
            return {"answered": True}

        return chat_blueprint


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output, with `feedback: true` on the last part of an answer (a message
    that names the knowledge entry it gives): the widget asks "Was this helpful?" under it."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        parts = text.strip().split("\n\n")
        for number, part in enumerate(parts, 1):
            await self._send_message(recipient_id, _with_feedback({"text": part}, kwargs, number == len(parts)))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        parts = text.strip().split("\n\n") or [text]
        for number, part in enumerate(parts, 1):
            last = number == len(parts)
            replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
            message = {"text": part, "quick_replies": replies if last else []}
            await self._send_message(recipient_id, _with_feedback(message, kwargs, last))


def _with_feedback(message: Dict[str, Any], metadata: Dict[str, Any], last: bool) -> Dict[str, Any]:
    return {**message, "feedback": True} if last and metadata.get(ANSWERED_ENTRY) else message


def page_language_metadata(language: Any) -> Optional[Dict[str, str]]:
    """The language of the page the widget is on (its data-lang), as the message's metadata: the
    conversation's language until a message tells one (si_joint/conversation_language.py)."""
    if isinstance(language, str) and LANGUAGE_CODE.fullmatch(language):
        return {PAGE_LANGUAGE: language}
    return None
