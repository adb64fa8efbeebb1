"""The CLI package's modules depend one way, and nothing outside the CLI depends on it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "instantly_async"

# Lowest first: a module may import only modules before it.
ORDER = [
    "_errors", "_options", "_output", "_progress", "_report", "_parser",
    "_jobs", "_commands", "_demo", "_main", "__init__",
]  # fmt: skip


def cli_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_cli_modules_import_only_lower_ones() -> None:
    modules = {p.stem for p in (PACKAGE / "_cli").glob("*.py")}
    assert modules == set(ORDER)
    for position, name in enumerate(ORDER):
        imported = cli_imports(PACKAGE / "_cli" / f"{name}.py")
        assert imported <= set(ORDER[:position]), (
            f"{name} imports {imported - set(ORDER[:position])}"
        )


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_nothing_outside_the_cli_imports_it() -> None:
    checked = 0
    for path in PACKAGE.rglob("*.py"):
        if "_cli" in path.parts or path == PACKAGE / "__main__.py":
            continue
        checked += 1
        uses = {name for name in imported_modules(path) if "_cli" in name.split(".")}
        assert not uses, f"{path} depends on the CLI: {uses}"
    assert checked > 20
    assert "._cli" in imported_modules(PACKAGE / "__main__.py")
