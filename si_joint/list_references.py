"""A short follow-up that points into the last answer's list: "the second one", "and the 3rd?",
"number 2", "the last one". Framework-free: the safety screen marks such a message, and the
action answers that item of the list the conversation is about."""

from __future__ import annotations

import re
from typing import Optional

ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "last": -1,
    "final": -1,
}
_ORDINAL = "|".join(ORDINALS)
_THING = r"(one|item|thing|point|step|cause|symptom|treatment|option|method|test|bit|part)s?"
_REFERENCE = re.compile(
    r"^(and|ok|okay|so|what about|how about|tell me (more )?about|more (on|about)|explain|whats|what is|"
    r"and what about)?"
    rf"\s*(the\s+)?((?P<ordinal>{_ORDINAL})(\s+{_THING})?|(number|no\.?|#|item|option)\s*(?P<number>[1-8]))"
    rf"(\s+(one|please|pls|then))?\s*[?.!]*$",
    re.IGNORECASE,
)


def list_position(text: str) -> Optional[int]:
    """1 for the first item, 2 for the second ..., -1 for the last; None when the message is not
    such a reference."""
    match = _REFERENCE.match(" ".join((text or "").split()))
    if not match:
        return None
    if match.group("number"):
        return int(match.group("number"))
    return ORDINALS[match.group("ordinal").lower()]
