"""The held-out patient sets (tests/data/heldout/), written by testers who never saw the training data,
and the check of a reply against a topic of tests/data/heldout/topics.yml.

A reply passes a topic when each of the topic's `expect` groups has at least one of its phrases in
the turn's bot messages (joined, lower-cased) and no `forbid` phrase is there. The session-start
disclaimer is left out of the turn: it mentions emergencies in every first reply, which would let an
alarm-less reply pass `emergency`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from tests import HELDOUT

BLIND_TESTERS = HELDOUT / "blind_testers"
# The sets the suite checks by topic: each has emergencies.yml and look_alikes.yml.
TOPIC_CHECKED_SETS = {
    "safety_screen": BLIND_TESTERS / "safety_screen",
    "safety_screen_final": BLIND_TESTERS / "safety_screen_final",
    "emergency_wordings": BLIND_TESTERS / "emergency_wordings",
}
DISCLAIMER_MARK = "automated educational assistant"
TOPICS: Dict[str, dict] = yaml.safe_load((HELDOUT / "topics.yml").read_text(encoding="utf-8"))


def messages(path: Path) -> List[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]


def patient_questions() -> dict:
    return yaml.safe_load((TOPIC_CHECKED_SETS["safety_screen"] / "patient_questions.yml").read_text(encoding="utf-8"))


def turn_text(replies: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in replies if DISCLAIMER_MARK not in (m.get("text") or "")).lower()


@dataclass
class Outcome:
    text: str
    topic: str
    reply: str
    problem: Optional[str]

    def __str__(self) -> str:
        return f"{self.text!r} [{self.topic}]: {self.problem}\n    -> {self.reply[:300]!r}"


def check(text: str, topic: str, replies: List[dict]) -> Outcome:
    reply = turn_text(replies)
    rules = TOPICS[topic]
    problem = None
    for group in rules.get("expect") or []:
        if not any(phrase.lower() in reply for phrase in group):
            problem = f"none of {group[:6]}"
            break
    forbidden = [phrase for phrase in rules.get("forbid") or [] if phrase.lower() in reply]
    if problem is None and forbidden:
        problem = f"has {forbidden}"
    return Outcome(text, topic, reply, problem)
