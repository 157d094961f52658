"""'Was this helpful?' under an answer (the widget's buttons send feedback_helpful or
feedback_not_helpful). The patient's message is the record: the tracker store keeps it with the
conversation, for as long and no longer, and the report (serving/report.py) ties it to the answer
before it. After "no", the next message says what was missing."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts

NOT_HELPFUL_INTENT = "feedback_not_helpful"


class ActionRecordFeedback(Action):
    def name(self) -> Text:
        return "action_record_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        not_helpful = intent == NOT_HELPFUL_INTENT
        dispatcher.utter_message(text=prompts.FEEDBACK_WHAT_WAS_MISSING if not_helpful else prompts.FEEDBACK_THANKS)
        return []
