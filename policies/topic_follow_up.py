"""A policy for a short follow-up the classifier put out of scope right after an answer: "how many
times a week?" after physical therapy, "where do I buy one?" after the pelvic belt, "just give me a
ballpark then" after recovery. It is about the topic just answered, so it gets what the page doesn't
say about that topic (action_not_covered), not "I can only help with the SI joint".

A message that names another condition, or things the page never mentions without pointing back
("any good pizza places in Dayton?"), or asks for something else entirely ("tell me a joke then"),
stays out of scope. It outranks RulePolicy (priority 7) and
abstains everywhere else; urgent advice is policies/emergency_follow_up.py's.
"""

from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from policies.follow_up_policy import FollowUpPolicy
from si_joint.message_reading import read_message
from si_joint.parse_data import LAST_TOPIC_SLOT, OFF_PAGE_WORDS, OUT_OF_SCOPE_INTENT, message_text
from si_joint.vocabulary import vocabulary

NOT_COVERED_ACTION = "action_not_covered"
MAX_FOLLOW_UP_WORDS = 12


def answered_a_topic_last(tracker: DialogueStateTracker) -> bool:
    """The assistant's reply to the message before the latest one set the conversation's topic."""
    users = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            users += 1
            if users == 2:
                return False
        elif users == 1 and isinstance(event, SlotSet) and event.key == LAST_TOPIC_SLOT and event.value:
            return True
    return False


def is_topic_follow_up(tracker: DialogueStateTracker) -> bool:
    latest = tracker.latest_message
    if not latest or (latest.intent or {}).get("name") != OUT_OF_SCOPE_INTENT:
        return False
    text = message_text(latest.parse_data)
    words = text.split()
    if not 0 < len(words) <= MAX_FOLLOW_UP_WORDS or vocabulary().names_another_condition_only(text):
        return False
    reading = read_message(text)
    if reading.unrelated_request or (latest.parse_data.get(OFF_PAGE_WORDS) and not reading.refers_back):
        return False
    return answered_a_topic_last(tracker)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class TopicFollowUpPolicy(FollowUpPolicy):
    def next_action(self, tracker: DialogueStateTracker) -> Optional[str]:
        # After its answer, the turn ends; a follow-up just heard gets that answer.
        answered = tracker.latest_action_name == NOT_COVERED_ACTION
        if not (answered or tracker.latest_action_name == ACTION_LISTEN_NAME) or not is_topic_follow_up(tracker):
            return None
        return ACTION_LISTEN_NAME if answered else NOT_COVERED_ACTION
