"""The one way every channel hands a patient's message to Rasa.

`deliver` bounds the work (a message over MAX_SCREENED_CHARS is answered at once, without NLU),
turns a choice of one of the options just offered ("2", "number 2", "the second one"; its title on
media that show options as text) into that option's payload on every channel, turns a
"/"-prefixed text that is not one of the assistant's own button payloads back into plain words
(so patients cannot inject intents, and Rasa never logs their text in a warning), and keeps the
text out of every log while Rasa handles it. When Rasa cannot handle the message at all (the
tracker store or another part of the service is down), the patient is never met with silence:
`unavailable_reply` gives the emergency advice when the message names a warning sign, and asks
to try again in a moment otherwise; operations get the error in the log. A turn that ends with no
reply at all (a defect: it is logged and counted as `silent_turns`) gets the same emergency advice,
or a request to say it again. `TurnQueue` runs at most
TURNS_AT_ONCE turns at once in a server process, one per conversation. `ReplyTo` sends the answers of a pseudonymous
conversation to the platform address the message came from, which lives only in the request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic.request import Request

from channels.options import resolve_reply
from si_joint.conversation_language import ENGLISH, PAGE_LANGUAGE
from si_joint.emergency_signs import EmergencySigns, load_emergency_signs
from si_joint.input_checks import greeting_language, likely_language
from si_joint.log_privacy import patient_text
from si_joint.message_limits import MAX_SCREENED_CHARS, too_long_reply
from si_joint.plain_text import plain_text
from si_joint.service_metrics import METRICS
from si_joint.site_settings import served_languages, setting

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
_PAYLOAD = re.compile(r"^/(\w{1,64})(\{.{0,500}\})?$", re.DOTALL)
# The assistant's own buttons name knowledge entries by id; anything else in a payload is words
# (and so read by the safety screen): `/ask_causes{"cause": "I can't breathe"}`.
ENTRY_ID = re.compile(r"[a-z0-9_]{1,64}")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
EMERGENCY_RESPONSE = "utter_emergency_without_actions"
TRY_AGAIN_RESPONSE = "utter_try_again"
LOST_TRACK_RESPONSE = "utter_lost_track"
TURNS_AT_ONCE = 8
logger = logging.getLogger(__name__)


def with_language_guess(metadata: Optional[Dict[str, Any]], text: str) -> Optional[Dict[str, Any]]:
    """Without a page language from the channel, a message clearly in another served language
    stands for it: a conversation that opens in Spanish hears its opening disclaimer in Spanish only.
    Only the language's code is kept, never the text."""
    if (metadata or {}).get(PAGE_LANGUAGE):
        return metadata
    guess = likely_language(text) or greeting_language(text)
    if guess == ENGLISH or guess not in served_languages():
        return metadata
    return {**(metadata or {}), PAGE_LANGUAGE: guess}


async def deliver(
    request: Request,
    on_new_message: OnNewMessage,
    text: Optional[str],
    output: OutputChannel,
    conversation_id: str,
    channel: str,
    options_by_title: bool = False,
    metadata: Optional[Dict[str, Any]] = None,
) -> None:
    text = text if isinstance(text, str) else ""  # a platform may send no text, or not a string
    text = LONE_SURROGATE.sub("\ufffd", text)  # half an emoji cannot be stored or encoded
    if len(text) > MAX_SCREENED_CHARS:
        METRICS.count("too_long_messages", channel)
        await output.send_text_message(conversation_id, too_long_reply(len(text), emergency_number()))
        return
    started = time.perf_counter()
    with patient_text(text):
        try:
            text = await resolve_reply(request, conversation_id, text, options_by_title)
            counted = CountingOutput(output)
            message = UserMessage(
                own_payload_or_words(request, text),
                counted,
                conversation_id,
                input_channel=channel,
                metadata=with_language_guess(metadata, text),
            )
            async with turn_queue(request).turn(conversation_id):
                await on_new_message(message)
            if not counted.sent:
                logger.error("A %s turn produced no reply; the patient was asked to say it again", channel)
                METRICS.count("silent_turns", channel)
                await output.send_text_message(conversation_id, unavailable_reply(request, text, LOST_TRACK_RESPONSE))
        except Exception:  # noqa: BLE001 - the patient still gets an answer; operations get the error
            logger.exception("A %s message could not be handled; the patient was told to try again", channel)
            METRICS.count("errors", channel)
            await output.send_text_message(conversation_id, unavailable_reply(request, text))
    METRICS.observe_turn(channel, time.perf_counter() - started)


# Said when the model's domain is not loaded yet.
FALLBACK_TEXTS = {
    EMERGENCY_RESPONSE: "Please get medical help now: call {number}.",
    TRY_AGAIN_RESPONSE: "Sorry, I can't answer right now. Please try again in a moment. "
    "In an emergency, call {number}.",
    LOST_TRACK_RESPONSE: "Sorry, I lost track of that. Could you ask again? In an emergency, call {number}.",
}


def unavailable_reply(request: Request, text: str, otherwise: str = TRY_AGAIN_RESPONSE) -> str:
    """The domain's emergency advice when `text` names a warning sign, else its response
    `otherwise`: "try again" when the turn failed, "I lost track" when it produced no reply."""
    name = EMERGENCY_RESPONSE if names_a_warning_sign(text) else otherwise
    return domain_text(request, name) or FALLBACK_TEXTS[name].format(number=emergency_number())


def names_a_warning_sign(text: str) -> bool:
    return bool(_signs().find(plain_text(text)))


def domain_text(request: Request, name: str) -> Optional[str]:
    """The text of the domain's response `name`, from the loaded model (None before one is loaded)."""
    domain = getattr(getattr(request.app.ctx, "agent", None), "domain", None)
    variants = (domain.responses.get(name) if domain is not None else None) or []
    return variants[0].get("text") if variants else None


@lru_cache(maxsize=1)
def _signs() -> EmergencySigns:
    return load_emergency_signs()


def emergency_number() -> str:
    return setting("emergency", "emergency_number") or "your local emergency number"


class TurnQueue:
    """At most `places` turns at once; the others wait their turn rather than slowing every turn
    and the socket.io handshakes and pings that share the event loop. A conversation's messages
    queue among themselves first (Rasa's lock would run them one at a time anyway), so a patient
    sending a burst holds one place, not all of them."""

    def __init__(self, places: int) -> None:
        self.places = asyncio.Semaphore(places)
        self.conversations: Dict[str, asyncio.Lock] = {}
        self.waiting: Dict[str, int] = {}

    @asynccontextmanager
    async def turn(self, conversation_id: str) -> AsyncIterator[None]:
        conversation = self.conversations.setdefault(conversation_id, asyncio.Lock())
        self.waiting[conversation_id] = self.waiting.get(conversation_id, 0) + 1
        try:
            async with conversation, self.places:
                yield
        finally:
            self.waiting[conversation_id] -= 1
            if not self.waiting[conversation_id]:
                del self.waiting[conversation_id], self.conversations[conversation_id]


def turn_queue(request: Request) -> TurnQueue:
    """The server's queue of turns, made in its own event loop."""
    context = request.app.ctx
    if not hasattr(context, "turn_queue"):
        context.turn_queue = TurnQueue(TURNS_AT_ONCE)
    return context.turn_queue


def own_payload_or_words(request: Request, text: str) -> str:
    """`text` unchanged unless it starts with "/" without being a payload of the assistant's
    domain (a known intent, optionally with known entities whose values are entry ids); then the
    slashes are dropped."""
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
        name in known and isinstance(value, str) and ENTRY_ID.fullmatch(value) for name, value in entities.items()
    )


class CountingOutput(OutputChannel):
    """`output`, counting the messages Rasa sends through it in one turn."""

    def __init__(self, output: OutputChannel) -> None:
        self.output = output
        self.sent = 0

    def name(self) -> Text:  # type: ignore[override]
        return self.output.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.output.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.sent += 1
        await self.output.send_text_message(recipient_id, text, **kwargs)


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
