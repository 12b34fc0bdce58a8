"""Imports only run downwards: data knows nothing of nn, nn nothing of run, run nothing of viz, none of them of cli."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cubenet"
FORBIDDEN = {
    "data": ("cubenet.nn", "cubenet.run", "cubenet.viz", "cubenet.cli", "cubenet.workshop", "cubenet.bench"),
    "nn": ("cubenet.run", "cubenet.viz", "cubenet.cli", "cubenet.workshop", "cubenet.bench"),
    "run": ("cubenet.viz", "cubenet.cli", "cubenet.workshop", "cubenet.bench"),
    "viz": ("cubenet.cli", "cubenet.workshop", "cubenet.bench"),
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_run_downwards(layer):
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imported_modules(path):
            if name.startswith(FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []
