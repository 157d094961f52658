"""No half-added question type: every intent in the question table (actions/questions.py) is in the
domain, has training examples, held-out examples, a rule that answers it, a twin rule that answers
it during the self-check and then goes on with the check, a did-you-mean label, and a knowledge
entry to answer from."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml

from actions.prompts import DID_YOU_MEAN
from actions.questions import QUESTION_TYPES
from si_joint.knowledge import PROJECT_ROOT, load_knowledge

MIN_TRAINING_EXAMPLES = 20  # as the README asks
MIN_HELDOUT_EXAMPLES = 8


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _examples(paths: List[Path]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for path in paths:
        for block in _yaml(path).get("nlu") or []:
            if "intent" in block:
                lines = [line for line in block["examples"].splitlines() if line.strip().startswith("- ")]
                counts[block["intent"]] = counts.get(block["intent"], 0) + len(lines)
    return counts


def _rules() -> List[dict]:
    return [
        rule
        for path in sorted((PROJECT_ROOT / "data" / "rules").glob("*.yml"))
        for rule in _yaml(path).get("rules") or []
    ]


def _intents_of(step: dict) -> Set[str]:
    if "intent" in step:
        return {step["intent"]}
    return {option["intent"] for option in step.get("or") or [] if "intent" in option}


def _answering_rule_intents(in_self_check: bool) -> Set[str]:
    """Intents whose rule answers them with an action, outside or inside the self-check form (then
    the form must ask its question again)."""
    answered: Set[str] = set()
    for rule in _rules():
        steps = rule.get("steps") or []
        conditions = rule.get("condition") or []
        during_check = any(c.get("active_loop") == "self_check_form" for c in conditions)
        if during_check != in_self_check or len(steps) < 2 or not _intents_of(steps[0]):
            continue
        actions = [s["action"] for s in steps[1:] if "action" in s]
        if not actions or (in_self_check and actions[-1] != "self_check_form"):
            continue
        answered |= _intents_of(steps[0])
    return answered


DOMAIN = _yaml(PROJECT_ROOT / "domain.yml")
TRAINING = _examples(sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")))
HELDOUT = _examples([PROJECT_ROOT / "tests" / "data" / "nlu" / "holdout.yml"])
ANSWERED = _answering_rule_intents(in_self_check=False)
ANSWERED_IN_CHECK = _answering_rule_intents(in_self_check=True)
KNOWLEDGE = load_knowledge(PROJECT_ROOT / "content" / "knowledge" / "si_joint.yml")


@pytest.mark.parametrize("intent", sorted(QUESTION_TYPES))
def test_every_question_type_is_added_everywhere(intent):
    question = QUESTION_TYPES[intent]
    missing = [
        what
        for what, present in (
            ("domain intent", intent in DOMAIN["intents"]),
            (f"{MIN_TRAINING_EXAMPLES} training examples", TRAINING.get(intent, 0) >= MIN_TRAINING_EXAMPLES),
            (f"{MIN_HELDOUT_EXAMPLES} held-out examples", HELDOUT.get(intent, 0) >= MIN_HELDOUT_EXAMPLES),
            ("rule that answers it", intent in ANSWERED),
            ("self-check twin rule", intent in ANSWERED_IN_CHECK),
            ("did-you-mean label", intent in DID_YOU_MEAN),
            ("knowledge entry", question.topic in KNOWLEDGE.entries),
        )
        if not present
    ]
    assert not missing, f"{intent} lacks: {', '.join(missing)}"


def test_every_did_you_mean_label_asks_a_known_intent():
    for suggested, (asked, label) in DID_YOU_MEAN.items():
        assert suggested in DOMAIN["intents"] and asked in DOMAIN["intents"] and label


def test_the_check_finds_a_missing_twin_rule():
    """The rule scan is not vacuous: a rule outside the self-check is not counted as its twin."""
    assert "ask_diagnosis" in ANSWERED_IN_CHECK
    assert "greet" in ANSWERED and "restart" not in ANSWERED_IN_CHECK
