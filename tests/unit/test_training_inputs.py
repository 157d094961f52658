"""`make train` retrains exactly when an input of the model changed (si_joint/training_inputs.py)."""

import shutil
from pathlib import Path

import pytest

from si_joint.training_inputs import MODEL, inputs_hash, record, stale
from tests import ROOT

COPIED = (
    "data",
    "content",
    "components",
    "policies",
    "si_joint",
    "domain.yml",
    "config.yml",
    "README.md",
    "actions/prompts.py",
)


@pytest.fixture
def project(tmp_path):
    """A copy of the project's training inputs (and a few files that are not), with a model trained on them."""
    for name in COPIED:
        source, target = ROOT / name, tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    (tmp_path / "build" / "spacy_en").mkdir(parents=True)
    (tmp_path / "build" / "spacy_en" / "meta.json").write_text('{"name": "blank"}\n')
    (tmp_path / MODEL).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / MODEL).write_bytes(b"model")
    record(inputs_hash(tmp_path), tmp_path)
    assert not stale(tmp_path)
    return tmp_path


def append(path: Path, text: str = "\n# edited\n") -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


@pytest.mark.parametrize(
    "changed",
    [
        "data/nlu/symptoms.yml",
        "data/rules/safety.yml",
        "data/stories.yml",
        "domain.yml",
        "config.yml",
        "content/knowledge/si_joint.yml",
        "content/safety/emergency_signs.yml",
        "content/safety/personal_advice.yml",
        "components/safety_screen.py",
        "policies/emergency_follow_up.py",
        "si_joint/knowledge.py",
        "si_joint/emergency_signs.py",
        "build/spacy_en/meta.json",
    ],
)
def test_a_changed_input_makes_the_model_stale(project, changed):
    append(project / changed)
    assert stale(project)


@pytest.mark.parametrize("added", ["data/nlu/new_topic.yml", "si_joint/new_module.py", "components/new_component.py"])
def test_a_new_input_file_makes_the_model_stale(project, added):
    (project / added).write_text("# new\n")
    assert stale(project)


def test_a_removed_input_file_makes_the_model_stale(project):
    (project / "data" / "nlu" / "symptoms.yml").unlink()
    assert stale(project)


@pytest.mark.parametrize("changed", ["README.md", "actions/prompts.py"])
def test_an_unrelated_change_does_not(project, changed):
    append(project / changed)
    assert not stale(project)


def test_compiled_python_and_caches_are_ignored(project):
    cache = project / "si_joint" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "knowledge.cpython-310.pyc").write_bytes(b"\0compiled")
    (project / "components" / "stray.pyc").write_bytes(b"\0compiled")
    assert not stale(project)


def test_a_missing_model_or_record_is_stale(project):
    (project / MODEL).unlink()
    assert stale(project)


def test_the_real_project_hashes_the_files_the_model_is_built_from():
    from si_joint.training_inputs import input_files

    names = {path.as_posix() for path in input_files(ROOT)}
    assert {
        "domain.yml",
        "config.yml",
        "content/knowledge/si_joint.yml",
        "content/safety/emergency_signs.yml",
        "si_joint/knowledge.py",
        "components/safety_screen.py",
        "policies/emergency_follow_up.py",
    } <= names
    assert not any(name.startswith(("actions/", "tests/")) or name.endswith(".pyc") for name in names)
