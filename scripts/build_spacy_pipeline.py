"""Builds the spaCy pipeline the NLU uses: blank English with the lookup lemmatizer.

spaCy's pretrained pipelines cannot be downloaded here, and the assistant needs no vectors or
parser: tokens and lemmas from spacy-lookups-data are enough for the alias matcher and features.
usage: python scripts/build_spacy_pipeline.py OUTPUT_DIR
"""

import sys
from pathlib import Path

import spacy

# Lookup entries that would turn an unrelated word into a symptom alias ("number" -> "numb").
LEMMA_FIXES = {"number": "number", "numbers": "number"}


def build(output_dir: str) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmas = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    for word, lemma in LEMMA_FIXES.items():
        lemmas.set(word, lemma)
    nlp.meta["name"] = "si_joint_lemmas"
    nlp.meta["description"] = "Blank English pipeline with lookup lemmatizer for the SI joint assistant"
    Path(output_dir).parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build(sys.argv[1])
