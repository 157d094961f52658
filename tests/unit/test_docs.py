"""The README and docs/: every relative link reaches a file, and every #anchor a heading in it;
every `make` target and script they name runs; validating the data writes nothing."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from si_joint import PROJECT_ROOT
from si_joint.training_inputs import inputs_hash

PAGES = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def _anchors(page: Path) -> set:
    headings = re.findall(r"^#+ (.+)$", _CODE.sub("", page.read_text(encoding="utf-8")), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_reaches_a_file_and_a_heading(page):
    for target in _LINK.findall(_CODE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # http, https, mailto
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name}: {target}"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked), f"{page.name}: {target}"


def test_the_readme_stays_short_and_links_every_doc():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    for doc in PAGES[1:]:
        assert f"docs/{doc.name}" in readme, doc.name


MAKEFILE_TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


def _commands(pattern: str) -> set:
    """Every match of `pattern` in the code spans and code blocks of the README and docs/."""
    found = set()
    for page in PAGES:
        for code in _CODE.findall(page.read_text(encoding="utf-8")):
            found.update(re.findall(pattern, code))
    return found


@pytest.mark.parametrize("target", sorted(_commands(r"\bmake ([a-z][a-z-]*)")))
def test_every_make_command_in_the_docs_is_a_target_that_make_can_plan(target):
    assert target in MAKEFILE_TARGETS, f"`make {target}` is in the docs but not in the Makefile"
    planned = subprocess.run(["make", "-n", target], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert planned.returncode == 0, planned.stderr


@pytest.mark.parametrize("script", sorted(_commands(r"\bpython (scripts/[a-z_]+\.py)")))
def test_every_script_in_the_docs_exists_and_explains_itself(script):
    helped = subprocess.run(
        [sys.executable, script, "--help"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert helped.returncode == 0 and "usage:" in helped.stdout, helped.stderr[-2000:]


def test_make_help_lists_the_two_commands():
    listed = subprocess.run(["make", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "make run" in listed and "make test " in listed


def test_validating_the_training_data_writes_nothing_in_the_project():
    before = inputs_hash(), _status()
    checked = subprocess.run(
        [sys.executable, "scripts/validate_data.py"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert (inputs_hash(), _status()) == before


def _status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "data", "content"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    ).stdout
