"""Conversation ids: one id space per channel, pseudonymous for messaging, signed for the web chat.

Every conversation id the tracker store sees is `<channel>:<id>`, with the prefix added by the
channel that received the message, never taken from the client. So a REST client cannot name a
web chat or SMS conversation, and no channel can reach another's. Messaging ids are an HMAC of the
platform's user id (a phone number for SMS and WhatsApp), so the tracker store and the logs never
hold a phone number; the channel keeps the real address only while it handles the request it came
in. Web chat session ids are issued and signed by the server; an unsigned or forged one is
replaced by a new conversation.

The key is SI_SECRET_KEY (at least 32 characters, from the environment only). Changing it starts
every conversation afresh, since old ids no longer match.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from typing import Mapping, Optional

SECRET_KEY_VARIABLE = "SI_SECRET_KEY"
MIN_SECRET_CHARS = 32
REST_SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$")
REST_SENDER_RULE = "1-64 characters of A-Z a-z 0-9 _ . - (not starting with a dot)"
MESSAGING_CHANNELS = frozenset({"telegram", "facebook", "slack", "sms", "whatsapp"})
_WEB_TOKEN = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{32})$")


class SecretKeyError(ValueError):
    """SI_SECRET_KEY is missing or too short."""


def secret_key(env: Mapping[str, str] = os.environ) -> bytes:
    key = env.get(SECRET_KEY_VARIABLE) or ""
    if len(key) < MIN_SECRET_CHARS:
        raise SecretKeyError(
            f"{SECRET_KEY_VARIABLE} must be set to a random string of at least {MIN_SECRET_CHARS} "
            "characters (for example: python3 -c 'import secrets; print(secrets.token_hex(32))'); "
            "`make run` makes one in build/ for local use"
        )
    return key.encode()


def _mac(purpose: str, value: str, key: Optional[bytes] = None) -> str:
    message = f"{purpose}\0{value}".encode()
    return hmac.new(key or secret_key(), message, hashlib.sha256).hexdigest()[:32]


def messaging_conversation_id(channel: str, platform_id: str, key: Optional[bytes] = None) -> str:
    """`channel:<pseudonym>` for a platform user id; the same user always gets the same id."""
    if channel not in MESSAGING_CHANNELS:
        raise ValueError(f"not a messaging channel: {channel}")
    return f"{channel}:{_mac(channel, platform_id, key)}"


def rest_conversation_id(sender: object) -> Optional[str]:
    """`rest:<sender>`, or None when the client's sender does not follow REST_SENDER_RULE."""
    if not isinstance(sender, str) or not REST_SENDER_PATTERN.fullmatch(sender):
        return None
    return f"rest:{sender}"


def new_web_session(key: Optional[bytes] = None) -> str:
    """A new web chat session token: a random id and the server's signature of it."""
    session = secrets.token_hex(16)
    return f"{session}.{_mac('web', session, key)}"


def web_conversation_id(token: object, key: Optional[bytes] = None) -> Optional[str]:
    """`web:<id>` for a token this server issued, None for anything else."""
    match = _WEB_TOKEN.match(token) if isinstance(token, str) else None
    if not match or not hmac.compare_digest(match.group(2), _mac("web", match.group(1), key)):
        return None
    return f"web:{match.group(1)}"
