"""When the assistant is unsure what was asked."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts, replies
from actions.answer_actions import LAST_TOPIC_SLOT, knowledge_store
from actions.questions import MAX_ENTRIES_PER_ANSWER, named_entries


class ActionFallback(Action):
    """Low confidence: answer what the patient named, if the knowledge file knows it; otherwise ask
    them to rephrase and offer the topics. Never a silent reply."""

    def name(self) -> Text:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        knowledge = knowledge_store.current()
        entries = named_entries(knowledge, tracker.latest_message.get("entities") or [])
        if not entries:
            dispatcher.utter_message(text=prompts.NOT_UNDERSTOOD)
            dispatcher.utter_message(response="utter_ask_topic")
            return []
        entries = entries[:MAX_ENTRIES_PER_ANSWER]
        dispatcher.utter_message(text=prompts.UNSURE_BUT_NAMED)
        dispatcher.utter_message(**replies.answer_message(knowledge, entries))
        return [SlotSet(LAST_TOPIC_SLOT, entries[-1].id)]
