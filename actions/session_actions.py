"""Conversation start and "start over": every conversation opens with the disclaimer."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, Restarted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts


class ActionSessionStart(Action):
    """Starts a session with no carried-over slots and states what this assistant is."""

    def name(self) -> Text:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_disclaimer")
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionRestart(Action):
    """ "Start over": forgets the whole conversation (Rasa's built-in restart rule runs this for the
    restart intent) and begins again; the new session's start (action_session_start, which Rasa
    runs right after a restart) says the disclaimer."""

    def name(self) -> Text:
        return "action_restart"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=prompts.STARTING_OVER)
        dispatcher.utter_message(response="utter_ask_topic")
        return [Restarted()]
