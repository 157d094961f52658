"""What the assistant keeps about a conversation, and deleting it.

Deleting is done by the tracker store (serving/tracker_store.py): a turn that ends with
`Restarted` has every earlier event of its conversation deleted, so what these actions say is true.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts
from si_joint.conversation_language import LANGUAGE_SLOT
from si_joint.message_reading import read_message
from si_joint.parse_data import message_text
from si_joint.site_settings import privacy_page_url, retention_days


def privacy_notice() -> List[str]:
    """The notice, and the company's privacy page as a message of its own when one is set."""
    url = privacy_page_url()
    notice = prompts.PRIVACY_NOTICE.format(days=retention_days())
    return [notice, prompts.PRIVACY_PAGE.format(url=url)] if url else [notice]


class ActionForgetConversation(Action):
    def name(self) -> Text:
        return "action_forget_conversation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=prompts.CONVERSATION_DELETED)
        # The conversation is gone, its language stays: the new session opens in it.
        return [Restarted(), SlotSet(LANGUAGE_SLOT, tracker.get_slot(LANGUAGE_SLOT))]


class ActionPrivacyNotice(Action):
    """The privacy notice, after the answer to the question asked, if it has one of its own."""

    def name(self) -> Text:
        return "action_privacy_notice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        asked = read_message(message_text(tracker.latest_message)).privacy_question
        if asked:
            dispatcher.utter_message(text=getattr(prompts, f"PRIVACY_{asked.upper()}"))
        for text in privacy_notice():
            dispatcher.utter_message(text=text)
        return []
