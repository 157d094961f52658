"""Generates data/nlu/knowledge_terms.yml (lookup tables of aliases) from the knowledge file.

The aliases live in the knowledge file only. The lookup tables are derived from it before every
training (`make train`) and are not committed, so they can never disagree with it.
usage: python -m si_joint.knowledge_terms --write
"""

from __future__ import annotations

import sys

from si_joint.knowledge import ENTITY_TYPES, PROJECT_ROOT, KnowledgeBase, knowledge_in_every_language

TERMS_FILE = PROJECT_ROOT / "data" / "nlu" / "knowledge_terms.yml"
HEADER = (
    "# Generated from content/knowledge/si_joint.yml by `python -m si_joint.knowledge_terms --write`\n"
    "# before training. Not committed: change the aliases in the knowledge file instead.\n"
)


def render_nlu_terms(*knowledge: KnowledgeBase) -> str:
    """The lookup tables of every alias, in every language given (each alias once)."""
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', "nlu:"]
    for entity_type in ENTITY_TYPES:
        lines.append(f"- lookup: {entity_type}")
        lines.append("  examples: |")
        aliases = [alias for kb in knowledge for entry in kb.entries_named(entity_type) for alias in entry.aliases]
        lines.extend(f"    - {alias}" for alias in dict.fromkeys(aliases))
    return "\n".join(lines) + "\n"


def render_nlu_synonyms(knowledge: KnowledgeBase) -> str:
    """Alias -> entry id synonyms, for pipelines that extract entities with DIET (configs/plain.yml)."""
    lines = ['version: "3.1"', "nlu:"]
    for entity_type in ENTITY_TYPES:
        for entry in knowledge.entries_named(entity_type):
            lines.append(f"- synonym: {entry.id}")
            lines.append("  examples: |")
            lines.extend(f"    - {alias}" for alias in entry.aliases if alias != entry.id)
    return "\n".join(lines) + "\n"


def main(argv) -> int:
    if argv != ["--write"]:
        print(__doc__)
        return 2
    TERMS_FILE.write_text(render_nlu_terms(*knowledge_in_every_language()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
