"""Rules every reply must keep on every channel: a chat bubble is not a page.

`turn_violations(messages)` takes the bot messages that answer one patient message, as Rasa's REST
channel returns them (dicts with `text` and optional `buttons`; the web chat's `quick_replies` are
read as buttons too), and returns the broken rules in words (an empty list when all hold):

- a message is at most MAX_MESSAGE_CHARS characters;
- the messages of one turn are at most MAX_TURN_CHARS characters together, the disclaimer (sent
  at the start of a conversation) not counted;
- a message has at most MAX_BUTTONS buttons, and no two buttons of a message share a title or a
  payload;
- no near-identical sentences stacked in a turn ("X is one of the treatments listed on the page.
  Y is one of the treatments listed on the page."): see `near_identical`. A citation line
  ("Source: ...") is a reference, not a sentence, and is not compared.

Framework-free (the tests, the benchmarks and the actions can all use it).
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Iterable, List, Optional, Sequence, Tuple

MAX_MESSAGE_CHARS = 600
MAX_TURN_CHARS = 1000
MAX_BUTTONS = 5

# Sentences shorter than this are not compared ("Yes.", "- Hip or groin pain: No").
MIN_SENTENCE_WORDS = 6
# Near-identical: difflib's ratio over the two sentences' words at least SIMILAR_RATIO, or the same
# template with different item names in it: a common run of at least TEMPLATE_RUN words, and the
# words the two share at least TEMPLATE_SHARE of the shorter sentence.
SIMILAR_RATIO = 0.8
TEMPLATE_RUN = 7
TEMPLATE_SHARE = 0.7

DISCLAIMER_MARKER = "automated educational assistant"

_SENTENCE_END = re.compile(r"(?<!\bal\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bDr\.)(?<=[.!?])[\"'\u201d)]*\s+|\n+")
_CITATION_LINE = re.compile(r"^\s*Sources?:", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def _normal(text: str) -> str:
    return " ".join((text or "").split())


@lru_cache(maxsize=1)
def _domain_disclaimer() -> Optional[str]:
    """utter_disclaimer's text from domain.yml, if it can be read."""
    try:
        import yaml

        from si_joint import PROJECT_ROOT

        domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
        return _normal(domain["responses"]["utter_disclaimer"][0]["text"])
    except Exception:  # noqa: BLE001 - without the file, the marker phrase still recognises it
        return None


def is_disclaimer(text: str, disclaimer: Optional[str] = None) -> bool:
    """The disclaimer message (domain.yml's utter_disclaimer), sent at the start of a conversation."""
    text = _normal(text)
    known = _normal(disclaimer) if disclaimer else _domain_disclaimer()
    return bool(text) and (text == known or (DISCLAIMER_MARKER in text.lower() and len(text) <= 300))


def buttons_of(message: dict) -> List[dict]:
    return list(message.get("buttons") or message.get("quick_replies") or [])


def sentences(text: str) -> List[str]:
    """The sentences of `text` (a line break ends one too; "et al." and "e.g." do not), citation
    lines left out."""
    lines = [line for line in (text or "").split("\n") if not _CITATION_LINE.match(line)]
    return [s.strip() for s in _SENTENCE_END.split("\n".join(lines)) if s and s.strip()]


def words(sentence: str) -> List[str]:
    return [w.lower() for w in _WORD.findall(sentence)]


def near_identical(first: str, second: str) -> bool:
    """True for two sentences of MIN_SENTENCE_WORDS or more words that say nearly the same, or
    fill the same template with different names."""
    a, b = words(first), words(second)
    if min(len(a), len(b)) < MIN_SENTENCE_WORDS:
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() >= SIMILAR_RATIO:
        return True
    blocks = matcher.get_matching_blocks()
    shared = sum(block.size for block in blocks)
    longest = max(block.size for block in blocks)
    return longest >= TEMPLATE_RUN and shared >= TEMPLATE_SHARE * min(len(a), len(b))


# Most of a sentence's words, in its order, in one sentence of another text: that text makes its point.
SAME_POINT_SHARE = 0.6


def makes_the_point_of(text: str, sentence: str) -> bool:
    """Whether a sentence of `text` says most of what `sentence` says ("SI joint pain can feel like
    pain from other sources in the low back ..." makes the point of "SI joint pain can feel like
    other low back pain ...")."""
    said = words(sentence)
    for other in sentences(text):
        matcher = difflib.SequenceMatcher(None, said, words(other), autojunk=False)
        if said and sum(block.size for block in matcher.get_matching_blocks()) >= SAME_POINT_SHARE * len(said):
            return True
    return False


def near_identical_pairs(texts: Iterable[str]) -> List[Tuple[str, str]]:
    """The pairs of near-identical sentences in these texts (each sentence paired with the first
    one it resembles)."""
    found: List[Tuple[str, str]] = []
    seen: List[str] = []
    for text in texts:
        for sentence in sentences(text):
            match = next((earlier for earlier in seen if near_identical(earlier, sentence)), None)
            if match is not None:
                found.append((match, sentence))
            seen.append(sentence)
    return found


def _short(text: str, limit: int = 70) -> str:
    text = _normal(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def turn_violations(messages: Sequence[dict], disclaimer: Optional[str] = None) -> List[str]:
    """The rules the bot messages of one turn break, in words; empty when they keep them all."""
    problems: List[str] = []
    total = 0
    for number, message in enumerate(messages, 1):
        text = message.get("text") or ""
        if len(text) > MAX_MESSAGE_CHARS:
            problems.append(
                f"message {number} has {len(text)} characters (at most {MAX_MESSAGE_CHARS}): {_short(text)!r}"
            )
        if not is_disclaimer(text, disclaimer):
            total += len(text)
        buttons = buttons_of(message)
        if len(buttons) > MAX_BUTTONS:
            problems.append(f"message {number} has {len(buttons)} buttons (at most {MAX_BUTTONS}): {_short(text)!r}")
        titles, payloads = set(), set()
        for button in buttons:
            title, payload = _normal(str(button.get("title") or "")).lower(), str(button.get("payload") or "")
            if title and title in titles:
                problems.append(f"message {number} has two buttons titled {button.get('title')!r}")
            if payload and payload in payloads:
                problems.append(f"message {number} has two buttons with the payload {payload!r}")
            titles.add(title)
            payloads.add(payload)
    if total > MAX_TURN_CHARS:
        problems.append(
            f"the turn has {total} characters in {len(messages)} messages, disclaimer not counted "
            f"(at most {MAX_TURN_CHARS})"
        )
    # The disclaimer aside: it is the same text in every conversation, and a restart says it again.
    texts = [m.get("text") or "" for m in messages]
    for earlier, later in near_identical_pairs(t for t in texts if not is_disclaimer(t, disclaimer)):
        problems.append(f"near-identical sentences stacked: {_short(earlier)!r} / {_short(later)!r}")
    return problems
