"""A policy for the turn right after urgent-care advice: a short or unclear reply to it ("what do I
do?", "ok then?", "and then?", "thanks", "I'm scared") gets the urgent advice again, never a
fallback or an unrelated answer. A clear new question is answered as usual.

Rules cannot say this: it depends on the words of the message (how short it is), and a rule per
intent would miss the replies the classifier puts anywhere. It outranks RulePolicy (priority 7)
and abstains everywhere else.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from policies.follow_up_policy import FollowUpPolicy
from si_joint.emergency_signs import EmergencySigns, load_emergency_signs
from si_joint.message_reading import advice_turned_down, read_message
from si_joint.parse_data import (
    EMERGENCY_INTENT,
    MENTIONED_SIGNS,
    PERSONAL_ADVICE_INTENT,
    RED_FLAGS_INTENT,
    message_text,
)

EMERGENCY_ACTION = "action_emergency"
# The list of warning signs, said for "is that an emergency?"
RED_FLAGS_ACTION = "action_red_flags"
MAX_FOLLOW_UP_WORDS = 5
# Replies that never ask something new of their own after urgent advice.
FOLLOW_UP_INTENTS = frozenset(
    {
        "affirm",
        "deny",
        "unsure",
        "nlu_fallback",
        "thanks",
        "ask_more",
        "stop",
        "none_of_these",
        "out_of_scope",
        "ask_who_can_help",
        "ask_human",
        "greet",
        "goodbye",
        "bot_challenge",
        "ask_capabilities",
        PERSONAL_ADVICE_INTENT,
        "ask_not_covered",
        "complain",
    }
)
# Commands and questions that are answered as usual even right after urgent advice.
NEVER_FOLLOW_UPS = frozenset({"restart", "forget_me", "ask_privacy"})
_NOT_TURNS = {ACTION_LISTEN_NAME, "action_extract_slots"}


def previous_bot_action(tracker: DialogueStateTracker) -> Optional[str]:
    """The last action before the latest user message (ignoring listening), or None when an
    action already ran after it."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            seen_user = True
        elif isinstance(event, ActionExecuted) and event.action_name not in _NOT_TURNS:
            return event.action_name if seen_user else None
    return None


def is_follow_up(tracker: DialogueStateTracker) -> bool:
    """The latest message answers urgent advice rather than asking something new."""
    previous = previous_bot_action(tracker)
    if previous not in (EMERGENCY_ACTION, RED_FLAGS_ACTION):
        return False
    if only_mentioned_before(tracker):
        # "asking because it's happening to me right now", after the conditional line or the list of
        # warning signs: the sign asked about is a report after all.
        return read_message(message_text(tracker.latest_message.parse_data)).happening_now
    if previous != EMERGENCY_ACTION:
        return False
    latest = tracker.latest_message
    intent = (latest.intent or {}).get("name") if latest else None
    if intent == EMERGENCY_INTENT or intent in NEVER_FOLLOW_UPS:
        return False  # the usual rules answer it
    words = message_text(latest.parse_data).split() if latest else []
    if intent in FOLLOW_UP_INTENTS or 0 < len(words) <= MAX_FOLLOW_UP_WORDS:
        return True
    if not words:
        return False  # a button's payload: its intent is the question
    # "no, that was 6 months ago, I'm walking fine", "my wife is driving me to the ER now", "I'm not
    # going to the ER, what's an injection?": answers to the advice however long, which
    # action_emergency stands down, acknowledges, or gives again.
    # "is it because of my SI joint though?", "do I go back to the same ER?": a question about their
    # case or about getting help, right after the advice, gets the advice again first; "not numb,
    # more of an ache, bladder normal" denies the sign, which stands the alarm down.
    text = message_text(latest.parse_data) if latest else ""
    reading = read_message(text)
    return (
        not reading.asks  # "its the weekend tho, the clinic is closed": a reply to the advice
        or advice_turned_down_before(tracker)  # "son solo ibuprofenos" then "¿qué es mejor, la faja?"
        or reading.correction
        or reading.help_coming
        or reading.refuses_help
        or reading.own_case
        or reading.asks_red_flags
        or _signs().denies_a_sign(text)
    )


@lru_cache(maxsize=1)
def _signs() -> EmergencySigns:
    return load_emergency_signs()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class EmergencyFollowUpPolicy(FollowUpPolicy):
    def next_action(self, tracker: DialogueStateTracker) -> Optional[str]:
        if tracker.latest_action_name == EMERGENCY_ACTION and is_repeat(tracker):
            return ACTION_LISTEN_NAME
        return EMERGENCY_ACTION if is_follow_up(tracker) or mentions_a_sign(tracker) else None


def only_mentioned_before(tracker: DialogueStateTracker) -> bool:
    """The message before the latest named a sign without reporting it ("what does saddle numbness
    mean?"): its reply was a conditional line, not urgent advice to follow up on."""
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    if len(users) < 2:
        return False
    return bool(users[-2].parse_data.get(MENTIONED_SIGNS))


def advice_turned_down_before(tracker: DialogueStateTracker) -> bool:
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    said = [e.text or "" for e in tracker.events if isinstance(e, BotUttered)]
    return len(users) >= 2 and advice_turned_down(message_text(users[-2].parse_data), said[-1] if said else "")


def mentions_a_sign(tracker: DialogueStateTracker) -> bool:
    """The latest message, just received, names a sign it doesn't report: its reply starts with one
    conditional line (action_emergency), then answers it."""
    latest = tracker.latest_message
    if latest is None or not latest.parse_data.get(MENTIONED_SIGNS):
        return False
    if (latest.intent or {}).get("name") in (EMERGENCY_INTENT, RED_FLAGS_INTENT):
        return False  # its advice, or the list of warning signs, says it all
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True  # nothing has answered it yet
        if isinstance(event, ActionExecuted) and event.action_name not in _NOT_TURNS:
            return False
    return False


def is_repeat(tracker: DialogueStateTracker) -> bool:
    """action_emergency just ran for a message that was not itself an emergency (this policy's
    repeat), so the turn ends here."""
    latest = tracker.latest_message
    return bool(latest) and (latest.intent or {}).get("name") != EMERGENCY_INTENT
