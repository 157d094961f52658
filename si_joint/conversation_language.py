"""The language a conversation is in, and the language of the reply being composed.

A message in a clear language (the safety screen's `language` parse key) sets it; a short or mixed
one ("ok", "gracias", "2") keeps the conversation's; asking ("in English please", "en español")
switches it. The Rasa server keeps it in the `language` slot, set before each turn's actions
(serving/rasa_server.py); the action server sets `REPLY_LANGUAGE` from that slot for every action it
runs, and the reply wording (si_joint/wording.py) and knowledge follow it. Framework-free."""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any, Iterable, Mapping, Optional

from si_joint.parse_data import LANGUAGE, message_text

ENGLISH = "en"
LANGUAGE_SLOT = "language"  # the conversation's language, kept by the Rasa server
PAGE_LANGUAGE = "page_language"  # a message's metadata: the language of the page the widget is on
REPLY_LANGUAGE: ContextVar[str] = ContextVar("reply_language", default=ENGLISH)
_ASKED_FOR = {
    "en": re.compile(r"\b(in|en) (english|ingl[eé]s)\b|\benglish,? please\b|\bspeak english\b", re.IGNORECASE),
    "es": re.compile(
        r"\b(in|en) (spanish|espa[nñ]ol|castellano)\b|\bhabla(s|n)? (espa[nñ]ol|castellano)\b|"
        r"\bspanish,? please\b|\bspeak spanish\b",
        re.IGNORECASE,
    ),
}


def asked_for_language(text: str) -> Optional[str]:
    """The language the message asks to continue in, if it asks for exactly one."""
    asked = [language for language, pattern in _ASKED_FOR.items() if pattern.search(text or "")]
    return asked[0] if len(asked) == 1 else None


def message_language(parse_data: Mapping[str, Any], served: Iterable[str]) -> Optional[str]:
    """The served language a message asks for or is written in, or None when it cannot tell."""
    language = asked_for_language(message_text(parse_data)) or parse_data.get(LANGUAGE)
    return language if language in tuple(served) else None


def next_language(
    parse_data: Mapping[str, Any],
    current: Optional[str],
    served: Iterable[str],
    metadata: Optional[Mapping[str, Any]] = None,
) -> str:
    """The conversation's language after this message: the one it asks for or is written in, else
    the conversation's so far (its `language` slot), else the page's (the widget's data-lang, in
    the message's metadata), else English."""
    served = tuple(served)
    page = (metadata or {}).get(PAGE_LANGUAGE)
    for language in (message_language(parse_data or {}, served), current, page):
        if language in served:
            return language
    return ENGLISH


def response_variation(
    responses: Mapping[str, Any], name: str, slots: Mapping[str, Any]
) -> Optional[Mapping[str, Any]]:
    """The variation of a domain response that Rasa would say with these slot values: the first
    whose every `condition` holds, else the first without a condition."""
    variations = [v for v in responses.get(name) or [] if isinstance(v, Mapping)]
    for variation in variations:
        conditions = variation.get("condition") or []
        if conditions and all(slots.get(c.get("name")) == c.get("value") for c in conditions):
            return variation
    return next((v for v in variations if not v.get("condition")), None)


def response_text(responses: Mapping[str, Any], name: str, language: str) -> Optional[str]:
    """The text of a domain response's variation for `language`: the one whose `condition` is on
    the language slot, or, for English, the one without a condition."""
    for variation in responses.get(name) or []:
        conditions = variation.get("condition") or []
        languages = [c.get("value") for c in conditions if c.get("name") == LANGUAGE_SLOT]
        if languages == [language] or (not conditions and language == ENGLISH):
            return variation.get("text")
    return None
