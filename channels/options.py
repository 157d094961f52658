"""Answer options (quick-reply buttons) on channels whose medium limits or lacks buttons.

SMS and WhatsApp get a numbered list ("Reply 1 for ..."), and a reply of "1" or of an option's
title is turned back into that option's payload. The options a patient can choose from are read
from the conversation itself (the buttons of the bot's messages since the patient last wrote), so
nothing is remembered outside the tracker. A payload such as `/ask_symptoms` is never shown.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

Button = Dict[str, str]

_REPLY_NOISE = re.compile(r"[\s#().,!?:;\"'\u2019-]+")
MAX_CHOICE_CHARS = 60
# A number chooses an option ("2", "number 2", "option 2": the SMS menu says "Reply 2 for ...");
# an ordinal word ("the second one") points into the list the last answer gave
# (si_joint/list_references.py), which is what patients mean after "what are the symptoms?".
_CHOICE = re.compile(
    r"^(?:(?:i(?: ?ll| will)? (?:take|choose|pick|go with) )|(?:lets? (?:go with|do) ))?(?:the )?"
    r"(?:number |option |choice |no )?(\d{1,2})(?: one| option| please)*$"
)


def numbered_menu(buttons: Sequence[Button]) -> str:
    return "\n".join(f"Reply {number} for {button['title']}" for number, button in enumerate(buttons, 1))


def shorten(title: str, limit: int) -> str:
    """`title` cut to `limit` characters at a word boundary, with an ellipsis when cut."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if title[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "\u2026"


def message_parts(text: str, limit: int) -> List[str]:
    """Paragraphs of `text` (split on blank lines, as Rasa's channels do), each cut at whitespace
    into pieces of at most `limit` characters."""
    parts: List[str] = []
    for paragraph in (text or "").strip().split("\n\n"):
        paragraph = paragraph.strip()
        while len(paragraph) > limit:
            cut = paragraph.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            parts.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        if paragraph:
            parts.append(paragraph)
    return parts or [""]


def offered_buttons(tracker: Optional[DialogueStateTracker]) -> List[Button]:
    """The buttons of the bot's latest message with buttons since the patient's last message."""
    if tracker is None:
        return []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            return [b for b in event.data["buttons"] if b.get("title") and b.get("payload")]
    return []


def chosen_payload(reply: str, buttons: Iterable[Button], by_title: bool = True) -> Optional[str]:
    """The payload of the option `reply` names by number ("1", "#1", "number 1", "the first one")
    or, `by_title`, by its title."""
    buttons = list(buttons)
    key = _normalise(reply)
    number = _chosen_number(key)
    if number is not None:
        return buttons[number - 1]["payload"] if 1 <= number <= len(buttons) else None
    for button in buttons if by_title else ():
        if key and _normalise(button["title"]) == key:
            return button["payload"]
    return None


async def resolve_reply(request, sender_id: str, reply: str, by_title: bool = False) -> str:
    """`reply` as the payload of the option it names (by number; `by_title` also by title, for
    media that show options as text), or unchanged. Where options are buttons, a typed title stays
    the patient's words."""
    if not buttons_may_be_chosen(reply, by_title):
        return reply
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return reply
    tracker = await agent.tracker_store.retrieve(sender_id)
    return chosen_payload(reply, offered_buttons(tracker), by_title) or reply


def buttons_may_be_chosen(reply: str, by_title: bool = True) -> bool:
    """Only a short reply can name an option, and without titles only a number: other messages
    never cost a tracker read here."""
    if not 0 < len(reply.strip()) <= MAX_CHOICE_CHARS:
        return False
    return by_title or _chosen_number(_normalise(reply)) is not None


def _chosen_number(key: str) -> Optional[int]:
    match = _CHOICE.match(key)
    if not match:
        return None
    return int(match.group(1))


def _normalise(text: str) -> str:
    return _REPLY_NOISE.sub(" ", (text or "").lower()).strip()
