"""The shared package is imported downward only: actions/ (the action server) and components/ (the
Rasa server) may import si_joint/, never each other, and si_joint/ imports neither."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "actions": {"components"},
    "components": {"actions"},
    "si_joint": {"actions", "components"},
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


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_go_downward_only(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in files
        for line, imported in imported_packages(path)
        if imported in FORBIDDEN[package] or imported == "<relative>"
    ]
    assert not wrong, "\n".join(wrong)


def test_the_scan_sees_nested_imports(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from actions.questions import QUESTION_TYPES\n", encoding="utf-8")
    assert list(imported_packages(module)) == [(2, "actions")]
