"""What the trained model is built from, and whether the model is older than its inputs.

The model depends on more than the training data: the custom NLU components and policies, the shared
code they run (alias normalisation in si_joint/knowledge.py, the emergency matcher, ...), the safety
files stored in the model, the knowledge file (its aliases feed the entity extractor) and the spaCy
pipeline. Whole directories are hashed, so a new module or data file is never forgotten.
Content hashes, not timestamps: an edit made during training is seen at the next `make train`.

usage: python -m si_joint.training_inputs hash          prints the hash of the inputs
       python -m si_joint.training_inputs stale [HASH]  exit 0 when the model must be retrained
       python -m si_joint.training_inputs record HASH   records HASH as the model's inputs
       python -m si_joint.training_inputs rasa-data     prints the paths Rasa trains on
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Iterator, List, Optional

from si_joint import PROJECT_ROOT

MODEL = Path("models") / "si_joint_assistant.tar.gz"
STAMP = Path("models") / ".training-inputs.sha256"
# (directory, file name pattern): every matching file below the directory is an input.
INPUT_DIRECTORIES = (
    ("data", "*.yml"),
    ("content/knowledge", "*"),
    ("content/safety", "*"),
    ("components", "*"),
    ("policies", "*"),
    ("si_joint", "*"),
)
INPUT_FILES = ("domain.yml", "config.yml", "build/spacy_en/meta.json")
# What Rasa trains DIET and the dialogue on (`rasa train --data ...`): the English examples, rules and
# stories. The other languages' examples (data/nlu_<language>) are read by their own classifier
# (components/language_intent_classifier.py), named in config.yml.
RASA_DATA = ("data/nlu", "data/rules", "data/stories.yml")
LANGUAGE_DATA = {"es": "data/nlu_es"}
IGNORED_DIRECTORIES = frozenset({"__pycache__"})
IGNORED_SUFFIXES = frozenset({".pyc", ".pyo"})


def input_files(project_root: Path = PROJECT_ROOT) -> List[Path]:
    """The training inputs that exist, relative to the project root, in a stable order."""
    root = Path(project_root)
    found = {Path(name) for name in INPUT_FILES if (root / name).is_file()}
    for directory, pattern in INPUT_DIRECTORIES:
        found.update(path.relative_to(root) for path in _files_below(root / directory, pattern))
    return sorted(found, key=lambda path: path.as_posix())


def _files_below(directory: Path, pattern: str) -> Iterator[Path]:
    for path in directory.rglob(pattern):
        if path.is_file() and path.suffix not in IGNORED_SUFFIXES and not IGNORED_DIRECTORIES & set(path.parts):
            yield path


def inputs_hash(project_root: Path = PROJECT_ROOT) -> str:
    """SHA-256 over every input's path and content: renaming, adding or removing a file changes it too."""
    root = Path(project_root)
    digest = hashlib.sha256()
    for relative in input_files(root):
        content = (root / relative).read_bytes()
        digest.update(f"{relative.as_posix()}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def stale(project_root: Path = PROJECT_ROOT, current_hash: Optional[str] = None) -> bool:
    """Whether the model is missing or was trained on other inputs than the current ones (or
    `current_hash`, when the caller already computed it)."""
    root = Path(project_root)
    stamp = root / STAMP
    if not (root / MODEL).is_file() or not stamp.is_file():
        return True
    return stamp.read_text(encoding="utf-8").strip() != (current_hash or inputs_hash(root))


def record(inputs: str, project_root: Path = PROJECT_ROOT) -> None:
    """Records `inputs` (a hash taken before training) as what the model was trained on."""
    (Path(project_root) / STAMP).write_text(inputs + "\n", encoding="utf-8")


def main(argv: List[str]) -> int:
    if argv == ["hash"]:
        print(inputs_hash())
        return 0
    if argv == ["rasa-data"]:
        print(" ".join(RASA_DATA))
        return 0
    if argv[:1] == ["stale"] and len(argv) <= 2:
        return 0 if stale(current_hash=argv[1] if len(argv) == 2 else None) else 1
    if argv[:1] == ["record"] and len(argv) == 2:
        record(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
