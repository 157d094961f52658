"""Conversation start and "start over": every conversation opens with the disclaimer."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, Restarted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts
from si_joint.conversation_language import ENGLISH, LANGUAGE_SLOT, REPLY_LANGUAGE, response_text


class ActionSessionStart(Action):
    """Starts a session with no carried-over slots and states what this assistant is."""

    def name(self) -> Text:
        return "action_session_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # In the language of the page the first message came from (serving/action_server.py): Rasa
        # would pick the response's variation by the slot as it was before this action.
        language = REPLY_LANGUAGE.get()
        disclaimer = response_text(domain.get("responses") or {}, "utter_disclaimer", language)
        if language != ENGLISH and disclaimer:
            dispatcher.utter_message(text=disclaimer)
        else:
            dispatcher.utter_message(response="utter_disclaimer")
        return [SessionStarted(), SlotSet(LANGUAGE_SLOT, language), ActionExecuted("action_listen")]


class ActionRestart(Action):
    """ "Start over": forgets the whole conversation (Rasa's built-in restart rule runs this for the
    restart intent) and begins again; the new session's start (action_session_start, which Rasa
    runs right after a restart) says the disclaimer."""

    def name(self) -> Text:
        return "action_restart"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=prompts.STARTING_OVER)
        dispatcher.utter_message(response="utter_ask_topic")
        # Everything is forgotten but the language: the new session opens in it.
        return [Restarted(), SlotSet(LANGUAGE_SLOT, tracker.get_slot(LANGUAGE_SLOT))]
