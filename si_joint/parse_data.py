"""The names under which the NLU components (components/, in the Rasa server) leave their findings
in a message's parse data, for the custom actions (actions/, in the action server) and the dialogue
policy to read. Both sides import them from here, so a renamed key cannot silently break one side.
"""

from __future__ import annotations

from typing import Any, Mapping

from si_joint.input_checks import text_for_classification

# --- Keys of the parse data ---------------------------------------------------------------------
# The message as the patient sent it; the text the classifier sees may be shortened and normalised.
FULL_TEXT = "full_text"
# Warning signs the safety screen found: a list of {sign, category, matched, certainty[, probability]}.
EMERGENCY_SIGNS = "emergency_signs"
# Why a message could not be classified as it is: {kind, length} (kinds in si_joint/input_checks.py).
INPUT_PROBLEM = "input_problem"
# For a follow-up into the last answer's list ("the second one"): the item's place, 1-based, -1 for last.
LIST_POSITION = "list_position"
# The words of an English question that the page never uses ("muscles"): si_joint/page_words.py.
OFF_PAGE_WORDS = "off_page_words"
# The condition the page doesn't cover that an English question is about, by its vocabulary name
# ("spinal stenosis"): content/knowledge/vocabulary.yml, named_conditions.
CONDITION_NOT_ON_PAGE = "condition_not_on_page"
# Warning signs a question names but denies, puts in the past or asks about ("what does it mean if
# back pain comes with numbness in the groin?"): findings as in EMERGENCY_SIGNS, the intent untouched.
MENTIONED_SIGNS = "mentioned_signs"
# Knowledge entries the message names only to leave them out ("options other than surgery").
EXCLUDED_ENTRIES = "excluded_entries"
# The served language the message is written in ("en", "es"), or None when it is too short to tell.
LANGUAGE = "language"
# For a `possible` warning sign, the intent the classifier gave the message, answered after the advice.
QUESTION_INTENT = "question_intent"

# --- Keys and values of one warning-sign finding ------------------------------------------------
CERTAINTY = "certainty"
CERTAIN = "certain"  # the reviewed phrase lists (si_joint/emergency_signs.py) found it
POSSIBLE = "possible"  # the second tier's classifier (si_joint/possible_emergency.py) found it

# --- Intents the safety screen sets -------------------------------------------------------------
EMERGENCY_INTENT = "emergency"
RED_FLAGS_INTENT = "ask_red_flags"  # "is that an emergency?": the list of warning signs
PERSONAL_ADVICE_INTENT = "ask_personal_advice"
NOT_COVERED_INTENT = "ask_not_covered"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# The slot holding the topic of the last answer, set by the actions and read by the follow-up policy.
LAST_TOPIC_SLOT = "last_topic"
LIST_ITEM_INTENT = "ask_list_item"


def message_text(parse_data: Mapping[str, Any]) -> str:
    """The patient's whole message in plain letters, without markup and with abbreviations spelt
    out; the parse data's `text` is what the classifier read, which may be a story's question alone
    or without the clauses that deny a sign."""
    full = parse_data.get(FULL_TEXT)
    return text_for_classification(str(full)) if full else str(parse_data.get("text") or "")
