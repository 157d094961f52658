"""Seeded random conversations against the real servers, checking after every turn that the
assistant is never silent, never misses an emergency and always lets a patient start over.

A conversation is drawn from: every button payload and `/intent` of the domain, slash commands
with odd entities, the training examples of every intent, emergency messages (some behind
look-alike letters), repeats of the message before, "start over", "/restart", "delete my
conversation", option numbers, gibberish and empty or blank messages. Conversation `n` of a run
with seed `s` uses `random.Random(f"{s}:{n}")`, so one failing conversation replays alone:

    python scripts/fuzz_conversations.py --seed 7 --first 312 --conversations 1

The invariant, after every turn:
- the reply has at least one message with text;
- a message from the emergency pool gets the urgent advice (the emergency number);
- "start over" and "/restart" start over; "delete my conversation" deletes it.
"""

from __future__ import annotations

import random
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from si_joint import PROJECT_ROOT
from si_joint.site_settings import setting

Say = Callable[[str], List[dict]]
MAX_TURNS = 15
START_OVER = ("start over", "Start over", "/restart")
DELETE = ("delete my conversation", "Delete my conversation", "/forget_me")
# In either language the conversation may be in (a Spanish message turns it Spanish).
STARTED_OVER = ("start over", "empecemos de nuevo")
DELETED = ("deleted", "borré")
ODD_COMMANDS = (
    "/",
    "//",
    '/ask_causes{"cause": "zzz"}',
    '/ask_symptoms{"symptom": 5}',
    "/start_self_check{}",
    '/start_self_check{"x": "y"}',
    "/self_check_summary",
    "/action_restart",
    "/nlu_fallback",
    "/emergency",
    '/emergency{"sign": "x"}',
    "/utter_greet",
    "/not_an_intent",
    "/ask_more{",
    "/affirm}",
    '/ask_treatments{"treatment": "' + "x" * 200 + '"}',
    '/restart{"a": 1}',
)
OTHER = (
    "zxqv blorp wug",
    "asdf",
    "",
    "   ",
    "?",
    "...",
    "🙂",
    "1",
    "2",
    "3",
    "9",
    "the second one",
    "yes",
    "no",
    "ok",
    "not sure",
    "stop",
    "why",
    "and?",
    "link?",
    "thanks",
    "bye",
    "x" * 1500,
)


@dataclass
class Pools:
    payloads: List[str]
    examples: List[str]
    emergencies: List[str]


@dataclass
class Turn:
    message: str
    kind: str
    reply: List[dict]


@dataclass
class Violation:
    conversation: int
    turn: int
    problem: str
    transcript: List[Turn] = field(default_factory=list)

    def describe(self, seed: int, channel: str) -> str:
        lines = [
            f"seed {seed}, conversation {self.conversation} ({channel}), turn {self.turn}: {self.problem}",
            f"replay: python scripts/fuzz_conversations.py --seed {seed} --first {self.conversation} "
            f"--conversations 1 --channel {channel}",
        ]
        for number, turn in enumerate(self.transcript):
            texts = " | ".join((m.get("text") or "")[:100] for m in turn.reply) or "(no reply)"
            lines.append(f"  {number}. [{turn.kind}] {turn.message[:120]!r} -> {texts}")
        return "\n".join(lines)


@dataclass
class FuzzResult:
    conversations: int = 0
    turns: int = 0
    violations: List[Violation] = field(default_factory=list)


def load_pools(root: Path = PROJECT_ROOT) -> Pools:
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    payloads = {f"/{intent}" for intent in domain["intents"]}
    sources = [root / "domain.yml", *sorted((root / "actions").glob("*.py"))]
    for path in sources:
        payloads.update(re.findall(r"""payload["']?:\s*["']?(/[a-z_]+)""", path.read_text(encoding="utf-8")))
    examples = []
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in item:
                examples += [
                    line[2:].strip() for line in str(item.get("examples") or "").splitlines() if line.startswith("- ")
                ]
    emergencies = yaml.safe_load(
        (root / "tests" / "data" / "safety" / "emergency_messages.yml").read_text(encoding="utf-8")
    )
    return Pools(
        sorted(payloads),
        [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", e) for e in examples],
        [m["text"] for m in emergencies["messages"]],
    )


def disguised(text: str, rng: random.Random) -> str:
    """`text` behind one look-alike trick: full-width letters, Cyrillic a/e/o, a zero-width space or a
    combining stroke inside each longer word."""
    trick = rng.choice(("fullwidth", "cyrillic", "zero_width", "stroke", "none"))
    if trick == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if trick == "cyrillic":
        return text.translate(str.maketrans("aeoc", "\u0430\u0435\u043e\u0441"))
    mark = {"zero_width": "\u200b", "stroke": "\u0336"}.get(trick)
    if not mark:
        return text
    return " ".join(w[:2] + mark + w[2:] if len(w) > 4 else w for w in text.split(" "))


def next_message(rng: random.Random, pools: Pools, previous: Optional[str]) -> Tuple[str, str]:
    """(message, kind) for one turn."""
    roll = rng.random()
    if roll < 0.22:
        return rng.choice(pools.payloads), "payload"
    if roll < 0.47:
        return rng.choice(pools.examples), "example"
    if roll < 0.57:
        return disguised(rng.choice(pools.emergencies), rng), "emergency"
    if roll < 0.67 and previous is not None:
        return previous, "repeat"
    if roll < 0.73:
        return rng.choice(START_OVER), "start_over"
    if roll < 0.76:
        return rng.choice(DELETE), "delete"
    if roll < 0.83:
        return rng.choice(ODD_COMMANDS), "odd_command"
    return rng.choice(OTHER), "other"


def violation_of(kind: str, reply: List[dict], emergency_number: str) -> Optional[str]:
    text = "\n".join(m.get("text") or "" for m in reply)
    if not text.strip():
        return "no reply"
    if kind == "emergency" and emergency_number not in text:
        return "an emergency message got no urgent advice"
    if kind == "start_over" and not any(said in text.lower() for said in STARTED_OVER):
        return "did not start over"
    if kind == "delete" and not any(said in text.lower() for said in DELETED):
        return "did not delete the conversation"
    return None


def run_conversation(
    number: int, seed: int, pools: Pools, say_for: Callable[[int], Tuple[Say, Callable]], emergency_number: str
) -> Tuple[int, Optional[Violation]]:
    """Plays conversation `number`; (turns played, the first violation or None)."""
    rng = random.Random(f"{seed}:{number}")
    say, close = say_for(number)
    transcript: List[Turn] = []
    previous: Optional[str] = None
    try:
        for turn_number in range(rng.randint(1, MAX_TURNS)):
            message, kind = next_message(rng, pools, previous)
            if kind == "repeat":
                kind = transcript[-1].kind
            try:
                reply = say(message)
            except Exception as error:  # noqa: BLE001 - a failed request is a violation to report
                reply, problem = [], f"the request failed: {type(error).__name__}: {error}"
            else:
                problem = violation_of(kind, reply, emergency_number)
            transcript.append(Turn(message, kind, reply))
            if problem:
                return turn_number + 1, Violation(number, turn_number, problem, transcript)
            previous = message
        return len(transcript), None
    finally:
        close()


def fuzz(
    say_for: Callable[[int], Tuple[Say, Callable]],
    seed: int,
    conversations: int,
    first: int = 0,
    workers: int = 8,
    pools: Optional[Pools] = None,
) -> FuzzResult:
    """Runs conversations `first` .. `first + conversations - 1`, `workers` at a time."""
    pools = pools or load_pools()
    emergency_number = setting("emergency", "emergency_number") or "911"
    result = FuzzResult()
    numbers: Sequence[int] = range(first, first + conversations)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for turns, violation in pool.map(
            lambda n: run_conversation(n, seed, pools, say_for, emergency_number), numbers
        ):
            result.conversations += 1
            result.turns += turns
            if violation:
                result.violations.append(violation)
    return result


def rest_patient(rasa_url: str, prefix: str) -> Callable[[int], Tuple[Say, Callable]]:
    """A REST patient per conversation: sender `<prefix>-<number>`."""
    import json
    import urllib.request

    def say_for(number: int) -> Tuple[Say, Callable]:
        def say(message: str) -> List[dict]:
            body = json.dumps({"sender": f"{prefix}-{number}", "message": message}).encode()
            request = urllib.request.Request(
                rasa_url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read() or b"[]")

        return say, lambda: None

    return say_for


def web_chat_patient(rasa_url: str, origin: str) -> Callable[[int], Tuple[Say, Callable]]:
    """A web chat patient (socket.io, as the widget) per conversation."""
    from si_joint_dev.web_chat_patient import WebChatPatient

    def say_for(number: int) -> Tuple[Say, Callable]:
        patient = WebChatPatient(rasa_url, origin).connect()
        return patient.say, patient.close

    return say_for


def summary(result: FuzzResult, seconds: float) -> str:
    return (
        f"{result.conversations} conversations, {result.turns} turns, {len(result.violations)} "
        f"invariant violations, {seconds:.0f} s ({result.turns / max(seconds, 1e-9):.1f} turns/s)"
    )


def counts_by_kind(result: FuzzResult) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for violation in result.violations:
        counts[violation.problem] = counts.get(violation.problem, 0) + 1
    return counts
