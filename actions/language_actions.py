"""The conversation's language as a slot, set at the start of every turn (Rasa runs
action_validate_slot_mappings inside action_extract_slots), so the responses of domain.yml can be
said in it the same turn: each has a variation for `language: es`. A conversation that turns to
another language hears the disclaimer in it once."""

from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from si_joint.conversation_language import ENGLISH, conversation_language, events_this_session
from si_joint.parse_data import EMERGENCY_INTENT
from si_joint.site_settings import served_languages

LANGUAGE_SLOT = "language"
DISCLAIMER = "utter_disclaimer"


class ValidateSlotMappings(ValidationAction):
    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        language = conversation_language(tracker.latest_message, tracker.events, served_languages())
        disclaimer = response_text(domain, DISCLAIMER, language)
        # Urgent advice comes first: after a warning sign the disclaimer waits for the next turn.
        emergency = (tracker.latest_message.get("intent") or {}).get("name") == EMERGENCY_INTENT
        if language != ENGLISH and disclaimer and not emergency and not said_this_session(tracker, disclaimer):
            dispatcher.utter_message(text=disclaimer)
        return {} if tracker.get_slot(LANGUAGE_SLOT) == language else {LANGUAGE_SLOT: language}


def response_text(domain: DomainDict, name: str, language: str) -> Optional[str]:
    """The text of a response's variation for `language` (its `condition` on the language slot)."""
    for variation in (domain.get("responses") or {}).get(name) or []:
        conditions = variation.get("condition") or []
        if any(c.get("name") == LANGUAGE_SLOT and c.get("value") == language for c in conditions):
            return variation.get("text")
    return None


def said_this_session(tracker: Tracker, text: str) -> bool:
    return any(e.get("event") == "bot" and e.get("text") == text for e in events_this_session(tracker.events))
