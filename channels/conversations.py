"""The one way every channel hands a patient's message to Rasa.

`deliver` bounds the work (a message over MAX_SCREENED_CHARS is answered at once, without NLU),
turns a choice of one of the options just offered ("2", "number 2", "the second one"; its title on
media that show options as text) into that option's payload on every channel, turns a
"/"-prefixed text that is not one of the assistant's own button payloads back into plain words
(so patients cannot inject intents, and Rasa never logs their text in a warning), and keeps the
text out of every log while Rasa handles it. `ReplyTo` sends the answers of a pseudonymous
conversation to the platform address the message came from, which lives only in the request.
"""
from __future__ import annotations

import json
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic.request import Request

from channels.options import resolve_reply
from si_joint.log_privacy import patient_text
from si_joint.message_limits import MAX_SCREENED_CHARS, too_long_reply
from si_joint.site_settings import setting

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
_PAYLOAD = re.compile(r"^/(\w{1,64})(\{.{0,500}\})?$", re.DOTALL)


async def deliver(
    request: Request,
    on_new_message: OnNewMessage,
    text: Optional[str],
    output: OutputChannel,
    conversation_id: str,
    channel: str,
    options_by_title: bool = False,
) -> None:
    text = text if isinstance(text, str) else ""  # a platform may send no text, or not a string
    if len(text) > MAX_SCREENED_CHARS:
        await output.send_text_message(conversation_id, too_long_reply(len(text), emergency_number()))
        return
    with patient_text(text):
        text = await resolve_reply(request, conversation_id, text, options_by_title)
        message = UserMessage(own_payload_or_words(request, text), output, conversation_id, input_channel=channel)
        await on_new_message(message)


def emergency_number() -> str:
    return setting("emergency", "emergency_number") or "your local emergency number"


def own_payload_or_words(request: Request, text: str) -> str:
    """`text` unchanged unless it starts with "/" without being a payload of the assistant's
    domain (a known intent, optionally with known entities); then the slashes are dropped."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return text
    domain = getattr(getattr(request.app.ctx, "agent", None), "domain", None)
    match = _PAYLOAD.match(stripped)
    if domain is not None and match and match.group(1) in domain.intents:
        if _known_entities(match.group(2), domain.entities):
            return stripped
    return stripped.lstrip("/ ")


def _known_entities(raw: Optional[str], known: List[str]) -> bool:
    if not raw:
        return True
    try:
        entities = json.loads(raw)
    except ValueError:
        return False
    return isinstance(entities, dict) and all(
        name in known and isinstance(value, str) and len(value) <= 100 for name, value in entities.items()
    )


class ReplyTo(OutputChannel):
    """Sends through `output` to `address`, whatever recipient Rasa names (the conversation id)."""

    def __init__(self, output: OutputChannel, address: str) -> None:
        self.output = output
        self.address = address

    def name(self) -> Text:  # type: ignore[override]
        return self.output.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await self.output.send_response(self.address, message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.output.send_text_message(self.address, text, **kwargs)
