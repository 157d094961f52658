"""Generates data/nlu/with_context.yml: questions from the training data with the kind of words
patients put around a question (a sign they don't have, how fed up they are, who they ask for),
so the intent classifier learns that those words do not change what is asked.

Patients rarely send a bare question: "no fever or anything, I'm just fed up. how is it treated?"
The safety screen reads every such word on the raw message; the classifier, trained on bare
questions, was pulled to another intent by them. Each generated example is a real training
question of its intent with one preamble (or, for one in five, an afterword) drawn with a fixed
seed, so training stays reproducible. Generated before every training like knowledge_terms.yml and
not committed. usage: python -m si_joint.context_examples --write
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path
from typing import Dict, List

import yaml

from si_joint import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
OUTPUT = NLU_DIR / "with_context.yml"
SEED = 2024
PER_INTENT = 6
# Question intents whose answers patients wrap in context; commands and small talk are left alone.
SKIPPED_INTENTS = {"ask_more", "ask_personal_advice"}
PREAMBLES = (
    "no fever or anything like that,",
    "my bladder and bowels are normal.",
    "legs are fine and i can walk,",
    "nothing urgent, no numbness or anything.",
    "i'm not in any danger, just curious.",
    "not suicidal or anything, just tired of it all.",
    "honestly so fed up with this back.",
    "sick and tired of this pain.",
    "this pain is driving me mad.",
    "been aching for months now.",
    "i've had a bad back on and off for years.",
    "sorry if this is a silly question,",
    "quick question,",
    "asking for my mum,",
    "my husband wants to know,",
    "the doctor mentioned it last week.",
    "i had the flu a while back but that's gone.",
    "i slipped on ice years ago but healed fine.",
    "ok so",
    "hi again,",
    "bit of a long story but",
    "i read something online and got confused.",
)
AFTERWORDS = (
    "thanks",
    "no rush",
    "just wondering",
    "asking for a friend",
    "cheers",
)
_EXAMPLE = re.compile(r"^\s*-\s+(.*\S)\s*$")
HEADER = (
    "# Generated from the training questions by `python -m si_joint.context_examples --write` before\n"
    "# training. Not committed: change data/nlu/ or the preambles in si_joint/context_examples.py.\n"
)


def training_questions(nlu_dir: Path = NLU_DIR) -> Dict[str, List[str]]:
    questions: Dict[str, List[str]] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        if path == OUTPUT:
            continue
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            intent = block.get("intent")
            if not intent or not intent.startswith("ask_") or intent in SKIPPED_INTENTS:
                continue
            lines = (_EXAMPLE.match(line) for line in str(block.get("examples", "")).splitlines())
            questions.setdefault(intent, []).extend(m.group(1) for m in lines if m)
    return questions


def with_context(questions: Dict[str, List[str]], seed: int = SEED) -> Dict[str, List[str]]:
    rng = random.Random(seed)
    generated: Dict[str, List[str]] = {}
    for intent in sorted(questions):
        chosen = rng.sample(questions[intent], min(PER_INTENT, len(questions[intent])))
        examples = []
        for question in chosen:
            if rng.random() < 0.2:
                examples.append(f"{question}, {rng.choice(AFTERWORDS)}")
            else:
                examples.append(f"{rng.choice(PREAMBLES)} {question}")
        generated[intent] = examples
    return generated


def render(generated: Dict[str, List[str]]) -> str:
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', "nlu:"]
    for intent, examples in generated.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {example}" for example in examples]
    return "\n".join(lines) + "\n"


def main(argv: List[str]) -> int:
    if argv != ["--write"]:
        print(__doc__)
        return 2
    OUTPUT.write_text(render(with_context(training_questions())), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
