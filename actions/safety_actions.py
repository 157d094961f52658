"""Urgent-care advice for a message that shows an emergency warning sign: always first, never education."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import prompts
from actions.emergency_signs import EmergencySigns, EmergencySignsError, load_emergency_signs
from actions.self_check_actions import clear_self_check
from si_joint.site_settings import SettingsError, emergency_settings


def _load_or_refuse() -> EmergencySigns:
    try:
        emergency_settings()
        return load_emergency_signs()
    except (EmergencySignsError, SettingsError) as error:
        raise SystemExit(f"Refusing to start the action server: {error}") from None


emergency_signs = _load_or_refuse()


def emergency_message(categories: List[str], signs: EmergencySigns = emergency_signs) -> str:
    """The reply to a message that shows signs of these categories; crisis support comes first."""
    settings = emergency_settings()
    known = [c for c in categories if c in signs.categories]
    if not known:  # the classifier, not the screen, recognised an emergency: cover every case
        return "\n\n".join([
            prompts.EMERGENCY_FIRST.format(advice=prompts.EMERGENCY_UNSPECIFIED, **settings),
            prompts.CRISIS_ANY.format(**settings),
            prompts.EMERGENCY_LAST.format(**settings),
        ])
    crisis = [c for c in known if signs.categories[c].crisis]
    others = [c for c in known if not signs.categories[c].crisis]
    parts = []
    for category in crisis:
        parts.append(prompts.CRISIS_FIRST.format(advice=signs.categories[category].advice, **settings))
    if others:
        advice = " ".join(signs.categories[c].advice for c in others)
        parts.append(prompts.EMERGENCY_FIRST.format(advice=advice, **settings))
    parts.append(prompts.EMERGENCY_LAST.format(**settings))
    return "\n\n".join(parts)


class ActionEmergency(Action):
    """Answers with urgent-care advice for the warning signs the NLU safety screen found, and stops
    anything in progress (the self-check). Says nothing else: no education, no buttons."""

    def name(self) -> Text:
        return "action_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        found = tracker.latest_message.get("emergency_signs") or []
        dispatcher.utter_message(text=emergency_message([f.get("category") for f in found]))
        return clear_self_check()
