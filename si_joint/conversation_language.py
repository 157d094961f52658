"""The language a conversation is in, and the language of the reply being composed.

A message in a clear language (the safety screen's `language` parse key) sets it; a short or mixed
one ("ok", "gracias", "2") keeps the conversation's; asking ("in English please", "en español")
switches it. The action server sets `REPLY_LANGUAGE` for every action it runs, and the reply
wording (si_joint/wording.py) and knowledge follow it. Framework-free."""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any, Iterable, List, Mapping, Optional

from si_joint.parse_data import LANGUAGE

ENGLISH = "en"
REPLY_LANGUAGE: ContextVar[str] = ContextVar("reply_language", default=ENGLISH)
_ASKED_FOR = {
    "en": re.compile(r"\b(in|en) (english|ingl[eé]s)\b|\benglish,? please\b|\bspeak english\b", re.IGNORECASE),
    "es": re.compile(
        r"\b(in|en) (spanish|espa[nñ]ol)\b|\bhabla(s|n)? espa[nñ]ol\b|\bspanish,? please\b|\bspeak spanish\b",
        re.IGNORECASE,
    ),
}


def asked_for_language(text: str) -> Optional[str]:
    """The language the message asks to continue in, if it asks for exactly one."""
    asked = [language for language, pattern in _ASKED_FOR.items() if pattern.search(text or "")]
    return asked[0] if len(asked) == 1 else None


def message_language(parse_data: Mapping[str, Any], served: Iterable[str]) -> Optional[str]:
    """The served language a message asks for or is written in, or None when it cannot tell."""
    language = asked_for_language(str(parse_data.get("text") or "")) or parse_data.get(LANGUAGE)
    return language if language in tuple(served) else None


def conversation_language(
    latest_message: Mapping[str, Any], events: Iterable[Mapping[str, Any]], served: Iterable[str]
) -> str:
    """The language of the latest message that tells one, this session's; English when none does."""
    served = tuple(served)
    found = message_language(latest_message or {}, served)
    if found:
        return found
    for event in reversed(events_this_session(events)):
        if event.get("event") == "user":
            found = message_language(event.get("parse_data") or {}, served)
            if found:
                return found
    return ENGLISH


def events_this_session(events: Iterable[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """The events since the conversation's latest session start or restart."""
    events = list(events or [])
    starts = [i for i, e in enumerate(events) if e.get("event") in ("session_started", "restart")]
    return events[starts[-1] + 1 :] if starts else events
