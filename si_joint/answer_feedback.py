"""'Was this helpful?' on messaging channels: the first answer of a session offers "Helpful" and
"Not helpful" among its options, once, so a patient is never asked twice. The website widget asks
under every answer instead (web/widget/si-chat.js). Framework-free: it edits the action server's
reply (its `responses`) with the conversation's events."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Sequence

from si_joint.conversation_report import ANSWERED_ENTRY
from si_joint.reply_rules import MAX_BUTTONS

MESSAGING_CHANNELS = frozenset({"telegram", "facebook", "slack", "twilio"})
HELPFUL_PAYLOAD, NOT_HELPFUL_PAYLOAD = "/feedback_helpful", "/feedback_not_helpful"
FEEDBACK_PAYLOADS = (HELPFUL_PAYLOAD, NOT_HELPFUL_PAYLOAD)


def with_feedback_options(
    responses: List[Dict[str, Any]],
    events: Sequence[Mapping[str, Any]],
    channel: str,
    titles: Sequence[str],
) -> List[Dict[str, Any]]:
    """`responses`, with the feedback options (`titles`: helpful, not helpful) added to the first
    answer's options when the channel is a messaging channel that has not offered them this session."""
    if channel not in MESSAGING_CHANNELS or offered_this_session(events):
        return responses
    for message in responses:
        if message.get(ANSWERED_ENTRY):
            options = [{"title": t, "payload": p} for t, p in zip(titles, FEEDBACK_PAYLOADS, strict=True)]
            message["buttons"] = list(message.get("buttons") or [])[: MAX_BUTTONS - len(options)] + options
            break
    return responses


def offered_this_session(events: Iterable[Mapping[str, Any]]) -> bool:
    for event in reversed(list(events)):
        if event.get("event") in ("session_started", "restart"):
            return False
        buttons = (event.get("data") or {}).get("buttons") or [] if event.get("event") == "bot" else []
        if any(b.get("payload") in FEEDBACK_PAYLOADS for b in buttons if isinstance(b, dict)):
            return True
    return False
