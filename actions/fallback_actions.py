"""When the assistant is unsure what was asked."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts
from actions.answer_actions import answer_named_items, knowledge_store
from actions.questions import named_entries


class ActionFallback(Action):
    """Low confidence: answer what the patient named, if the knowledge file knows it; otherwise ask
    them to rephrase and offer the topics. Never a silent reply."""

    def name(self) -> Text:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        entities = tracker.latest_message.get("entities") or []
        if not named_entries(knowledge_store.current(), entities):
            dispatcher.utter_message(text=prompts.NOT_UNDERSTOOD)
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        dispatcher.utter_message(text=prompts.UNSURE_BUT_NAMED)
        return answer_named_items(dispatcher, tracker)
