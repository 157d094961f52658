"""The house is layered and imported downward only: si_joint/ (framework-free) at the bottom; the
action server's actions/, the Rasa server's components/, policies/ and channels/ above it, never each
other; serving/ (what starts processes) above those; si_joint_dev/ (tools for tests and scripts) on
top, imported by nothing the assistant runs."""

import ast
from pathlib import Path

import pytest

from tests import ROOT

# What each project package may import from the project (itself included).
MAY_IMPORT = {
    "si_joint": {"si_joint"},
    "actions": {"actions", "si_joint"},
    "components": {"components", "si_joint"},
    "policies": {"policies", "si_joint"},
    "channels": {"channels", "si_joint"},
    "serving": {"serving", "channels", "si_joint"},
    "si_joint_dev": {"si_joint_dev", "serving", "channels", "si_joint"},
}


def imported_packages(path: Path):
    """(line, top-level package) of every import in the file, nested ones included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            yield node.lineno, "<relative>"


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_imports_go_downward_only(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in files
        for line, imported in imported_packages(path)
        if (imported in MAY_IMPORT and imported not in MAY_IMPORT[package]) or imported == "<relative>"
    ]
    assert not wrong, "\n".join(wrong)


def test_the_scan_sees_nested_imports(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from actions.questions import QUESTION_TYPES\n", encoding="utf-8")
    assert list(imported_packages(module)) == [(2, "actions")]
