"""A short follow-up that points into the last answer's list: "the second one", "and the 3rd?",
"number 2", "the last one". Framework-free: the safety screen marks such a message, and the
action answers that item of the list the conversation is about."""

from __future__ import annotations

import re
from typing import Optional

from si_joint.plain_text import without_accents

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
    # Spanish, read without accents ("la última" is "la ultima")
    **dict.fromkeys(("primero", "primera", "primer", "1ro", "1ra", "1er"), 1),
    **dict.fromkeys(("segundo", "segunda", "2do", "2da"), 2),
    **dict.fromkeys(("tercero", "tercera", "tercer", "3ro", "3ra", "3er"), 3),
    **dict.fromkeys(("cuarto", "cuarta", "4to", "4ta"), 4),
    **dict.fromkeys(("quinto", "quinta", "5to", "5ta"), 5),
    **dict.fromkeys(("sexto", "sexta", "6to", "6ta"), 6),
    **dict.fromkeys(("septimo", "septima", "7mo", "7ma"), 7),
    **dict.fromkeys(("octavo", "octava", "8vo", "8va"), 8),
    **dict.fromkeys(("ultimo", "ultima"), -1),
}
_ORDINAL = "|".join(ORDINALS)
_THING = (
    r"(one|item|thing|point|step|cause|symptom|treatment|option|method|test|bit|part|"
    r"opcion|opciones|punto|paso|causa|sintoma|tratamiento|metodo|prueba|parte)s?"
)
_REFERENCE = re.compile(
    r"^(and|ok|okay|so|what about|how about|tell me (more )?about|more (on|about)|explain|whats|what is|what was|"
    r"what does|what did|and whats|and what is|"
    r"and what about|y|ok y|y que tal|que tal|y que hay de|que hay de|hablame (mas )?de|mas sobre|explica(me)?|"
    r"cual es|y cual es)?"
    rf"\s*(the\s+|el\s+|la\s+|lo\s+del?\s+)?((?P<ordinal>{_ORDINAL})(\s+{_THING})?|"
    rf"(number|no\.?|#|item|option|numero|opcion)\s*(?P<number>[1-8]))"
    rf"(\s+(one|please|pls|then|again|mean|means|por favor|porfa|entonces|otra vez))*\s*[?.!]*"
    # "what does the first one mean, traumatic?": the item named after a comma
    r"(,\s*[a-z]+[?.!]*)?"
    # "the second one? what was it", "¿y la segunda cuál era? explícame más"
    r"(\s*(cual (era|es)|que (era|es)|explica(me)?( mas)?|cuentame mas|tell me more|what (was|is) it|more please)"
    r"[?.!]*)*$",
    re.IGNORECASE,
)


def list_position(text: str) -> Optional[int]:
    """1 for the first item, 2 for the second ..., -1 for the last; None when the message is not
    such a reference."""
    match = _REFERENCE.match(" ".join(without_accents(text or "").replace("¿", " ").split()))
    if not match:
        return None
    if match.group("number"):
        return int(match.group("number"))
    return ORDINALS[match.group("ordinal").lower()]
