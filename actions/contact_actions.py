"""Hand-off to people: the company's contact details and a find-a-provider link, from settings only."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts
from actions.fallback_actions import STORY_WORDS, ActionFallback
from si_joint.conversation_language import REPLY_LANGUAGE
from si_joint.conversation_report import shares_contact_details
from si_joint.message_reading import read_message
from si_joint.parse_data import message_text
from si_joint.site_settings import emergency_settings, setting, web_address


def contact_message() -> str:
    details = {
        "contact_phone": setting("contact", "contact_phone"),
        "contact_email": setting("contact", "contact_email") if "@" in setting("contact", "contact_email") else "",
        "contact_page_url": web_address("contact", "contact_page_url") or "",
    }
    lines = [prompts.CONTACT_LINES[key].format(value=value) for key, value in details.items() if value]
    parts = [prompts.CONTACT_CONFIGURED + "\n" + "\n".join(lines)] if lines else [prompts.CONTACT_NOT_CONFIGURED]
    provider = web_address("contact", "find_provider_url")
    parts.append(prompts.FIND_PROVIDER.format(value=provider) if provider else prompts.FIND_PROVIDER_NOT_CONFIGURED)
    parts.append(prompts.CONTACT_EMERGENCY.format(**emergency_settings(language=REPLY_LANGUAGE.get())))
    return "\n\n".join(parts)


class ActionContactPeople(Action):
    """ "Talk to a person", "can I call someone", "find a doctor": configured contacts, never invented."""

    def name(self) -> Text:
        return "action_contact_people"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        reading = read_message(message_text(tracker.latest_message))
        asked = read_message(reading.question) if reading.words > STORY_WORDS and reading.question else reading
        if not asked.asks_for_a_person:
            # "... I don't know what questions to ask to get somewhere with this. Please help me", "can
            # it wait till after christmas?": what the classifier took for a request for a person,
            # without asking for one (in the question, for a story), is read as what it is.
            return ActionFallback().run(dispatcher, tracker, domain)
        if shares_contact_details(message_text(tracker.latest_message)):
            dispatcher.utter_message(text=prompts.CONTACT_DETAILS_NOT_PASSED_ON)
        dispatcher.utter_message(text=contact_message())
        return []
