"""Generates data/nlu/knowledge_terms.yml (lookup tables of aliases) from the knowledge file.

The aliases live in the knowledge file only; this file is derived from it. `--check` fails when the
committed copy is out of date, `--write` regenerates it (`make train` does).
usage: python -m components.knowledge_terms (--write | --check)
"""
from __future__ import annotations

import sys

from actions.knowledge import ENTITY_TYPES, PROJECT_ROOT, KnowledgeBase, load_knowledge

TERMS_FILE = PROJECT_ROOT / "data" / "nlu" / "knowledge_terms.yml"
HEADER = (
    "# Generated from knowledge/si_joint.yml by `python -m components.knowledge_terms --write`.\n"
    "# Do not edit: change the aliases in the knowledge file instead.\n"
)


def render_nlu_terms(knowledge: KnowledgeBase) -> str:
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', "nlu:"]
    for entity_type in ENTITY_TYPES:
        lines.append(f"- lookup: {entity_type}")
        lines.append("  examples: |")
        for entry in knowledge.entries_for_entity(entity_type):
            lines.extend(f"    - {alias}" for alias in entry.aliases)
    return "\n".join(lines) + "\n"


def render_nlu_synonyms(knowledge: KnowledgeBase) -> str:
    """Alias -> entry id synonyms, for pipelines that extract entities with DIET (configs/plain.yml)."""
    lines = ['version: "3.1"', "nlu:"]
    for entity_type in ENTITY_TYPES:
        for entry in knowledge.entries_for_entity(entity_type):
            lines.append(f"- synonym: {entry.id}")
            lines.append("  examples: |")
            lines.extend(f"    - {alias}" for alias in entry.aliases if alias != entry.id)
    return "\n".join(lines) + "\n"


def main(argv) -> int:
    expected = render_nlu_terms(load_knowledge())
    if argv == ["--write"]:
        TERMS_FILE.write_text(expected, encoding="utf-8")
        return 0
    if argv == ["--check"]:
        current = TERMS_FILE.read_text(encoding="utf-8") if TERMS_FILE.exists() else ""
        if current != expected:
            print(f"{TERMS_FILE} is out of date: run `python -m components.knowledge_terms --write`")
            return 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
