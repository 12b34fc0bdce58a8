"""Imports only run downwards and never in a circle: data knows nothing of nn, nn nothing of run, run nothing of
viz, none of them of cli; the workshop knows nothing of cli. And every room is small enough to read: no module
of cubenet over 450 lines, no function body over 60 (see :func:`function_lengths` for how a function is measured).
Library modules import at the top; an import inside a function says why on its line (the command line is exempt).

The graph sees every way one cubenet module reaches another: ``import`` and ``from … import`` (relative ones
resolved), names imported from a package that are its modules (``from cubenet.data import cube``), and
importlib strings: ``import_module("cubenet.x")``, ``import_module(f"cubenet.pkg.{name}")`` (every module of
``pkg``), and, in a module that imports a computed name, every ``"cubenet.x"`` or ``"cubenet.x:attr"`` string in
it (a registry of import paths). A module's own parent packages are not edges: Python runs them first anyway.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cubenet"
FORBIDDEN = {
    "data": ("cubenet.nn", "cubenet.run", "cubenet.viz", "cubenet.cli", "cubenet.workshop", "cubenet.bench"),
    "nn": ("cubenet.run", "cubenet.viz", "cubenet.cli", "cubenet.workshop", "cubenet.bench"),
    "run": ("cubenet.viz", "cubenet.cli", "cubenet.workshop", "cubenet.bench"),
    "viz": ("cubenet.cli", "cubenet.workshop", "cubenet.bench"),
    "workshop": ("cubenet.cli", "cubenet.bench", "cubenet.play", "cubenet.sweep"),
}
#: circles allowed to remain (none: every circle is an error; name one here only while it is being removed)
KNOWN_CIRCLES: list[set[str]] = []
DOTTED = re.compile(r"cubenet(\.[A-Za-z_]\w*)*")
IMPORT_CALLS = ("import_module", "__import__")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def find_modules(root: Path = PACKAGE) -> dict:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


MODULES = find_modules()


def owner(name: str, modules) -> str | None:
    """The cubenet module that ``name`` (a module, or a name inside one) lives in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _is_import_call(node) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return isinstance(func, (ast.Name, ast.Attribute)) and getattr(func, "id", getattr(func, "attr", "")) in IMPORT_CALLS


def _string_targets(tree, modules) -> set[str]:
    """Modules named by importlib: literal and f-string arguments, and a registry's strings."""
    names, computed = set(), False
    for call in (n for n in ast.walk(tree) if _is_import_call(n) and n.args):
        arg = call.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            names.add(arg.value)
        elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
            prefix = str(arg.values[0].value)
            names |= {m for m in modules if m.startswith(prefix) and m != prefix.rstrip(".")}
        else:
            computed = True
    if computed:
        names |= {node.value.split(":")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and DOTTED.fullmatch(node.value.split(":")[0])}
    return names


def imported_modules(path: Path, root: Path = PACKAGE, modules=MODULES) -> set[str]:
    """Every module (cubenet's or another's) ``path`` imports, by any of the ways above."""
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _string_targets(tree, modules)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules}
    return names


def import_graph(root: Path = PACKAGE) -> dict:
    """module -> the cubenet modules it depends on, without itself and its parent packages."""
    modules = find_modules(root)
    graph = {}
    for me, path in modules.items():
        parents = {me.rsplit(".", k)[0] for k in range(1, me.count(".") + 1)}
        found = {owner(name, modules) for name in imported_modules(path, root, modules)}
        graph[me] = {m for m in found if m and m != me and m not in parents}
    return graph


def circles(graph) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_run_downwards(layer):
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imported_modules(path):
            if name.startswith(FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_no_circle_of_imports():
    new = [sorted(c) for c in circles(import_graph()) if not any(c <= known for known in KNOWN_CIRCLES)]
    assert new == [], "modules that import each other, directly or round a circle"


# ---------------------------------------------------------------- rooms small enough to read

#: the most lines a module of cubenet may have, and a function's body
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60
#: modules or functions (``"path/to/module.py:function"``) allowed to be longer, each with its reason (none now)
TOO_LONG_ALLOWED: dict[str, str] = {}


def function_lengths(path: Path):
    """``(name, lines)`` of every function and method in ``path``; the lines of its body, docstring included.

    The body runs from the first statement (the docstring) to the last line: a signature is not counted, so a
    typer command whose options take a line each is measured by what it does, not by how many options it has.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.end_lineno - node.body[0].lineno + 1


def test_no_module_is_too_long():
    long = {str(path.relative_to(PACKAGE.parent)): n for path in MODULES.values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert {k: v for k, v in long.items() if k not in TOO_LONG_ALLOWED} == {}, \
        f"modules over {MAX_MODULE_LINES} lines: split them into rooms by subject"


def test_no_function_is_too_long():
    long = {f"{path.relative_to(PACKAGE.parent)}:{name}": n for path in MODULES.values()
            for name, n in function_lengths(path) if n > MAX_FUNCTION_LINES}
    assert {k: v for k, v in long.items() if k not in TOO_LONG_ALLOWED} == {}, \
        f"functions whose body is over {MAX_FUNCTION_LINES} lines: extract helpers"


def test_the_length_rules_see_what_they_claim(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f(\n    a,\n    b,\n):\n    \"\"\"Doc.\"\"\"\n    return a\n\n\nclass C:\n    def g(self):\n        pass\n")
    assert dict(function_lengths(path)) == {"f": 2, "g": 1}


# ---------------------------------------------------------------- the graph sees what it claims to see

def graph_of(tmp_path, files: dict) -> dict:
    """The import graph of a small fake package written to ``tmp_path/cubenet``."""
    root = tmp_path / "cubenet"
    for rel, text in {"__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return import_graph(root)


def test_the_graph_follows_importlib_strings_and_relative_imports(tmp_path):
    graph = graph_of(tmp_path, {
        "data/__init__.py": "from . import cube\n",
        "data/moves.py": "import importlib\nfor m in ('cubenet.data.cube',):\n    importlib.import_module(m)\n",
        "data/cube.py": "from .moves import x\nfrom ..errors import E\n",
        "data/registry.py": "import importlib\nTARGETS = {'c': 'cubenet.data.cube:make'}\n"
                            "def load(t):\n    return importlib.import_module(t.split(':')[0])\n",
        "errors.py": "",
        "cli/__init__.py": "",
        "cli/a.py": "",
        "workshop/__init__.py": "",
        "workshop/plugins.py": "import importlib\nimportlib.import_module(f'cubenet.cli.{name}')\n",
        "workshop/literal.py": "from importlib import import_module\nimport_module('cubenet.errors')\n",
    })
    assert graph["cubenet.data"] == {"cubenet.data.cube"}
    assert graph["cubenet.data.moves"] == {"cubenet.data.cube"}
    assert graph["cubenet.data.cube"] == {"cubenet.data.moves", "cubenet.errors"}
    assert graph["cubenet.data.registry"] == {"cubenet.data.cube"}
    assert graph["cubenet.workshop.plugins"] == {"cubenet.cli.a"}
    assert graph["cubenet.workshop.literal"] == {"cubenet.errors"}
    assert {"cubenet.data.cube", "cubenet.data.moves"} in circles(graph)


# ---------------------------------------------------------------- imports at the top

#: where imports inside functions are the rule: the command line (each command loads its libraries when it
#: runs, so that '--help' starts instantly) and the package's lazy public API
LAZY_IMPORTS_ALLOWED = ("cli/",)
#: modules whose inner imports are not explained yet, with the reason they are left (none now)
UNEXPLAINED_ALLOWED: dict = {}


def unexplained_imports(path: Path) -> list[int]:
    """Lines of imports inside a function that no comment explains.

    A run of consecutive imports in one function body is explained by a comment on one of its lines or on
    the line just above it (a real reason: an optional dependency, a POSIX-only module, a heavy import on a
    path most runs never take, a registry that must stay light for the command line).
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []

    def commented(node) -> bool:
        return any("#" in lines[i - 1] for i in range(node.lineno, node.end_lineno + 1))

    def visit(node, in_function: bool):
        run = []
        for child in list(ast.iter_child_nodes(node)) + [None]:
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                run.append(child)
                continue
            if run:
                above = lines[run[0].lineno - 2].strip() if run[0].lineno > 1 else ""
                if not (above.startswith("#") or any(commented(n) for n in run)):
                    found.extend(n.lineno for n in run)
                run = []
            if child is not None:
                visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(ast.parse("\n".join(lines)), False)
    return found


def test_library_modules_import_at_the_top():
    """Inside a function of a library module, an import says why it is there; any other goes at the top."""
    offenders = {}
    for path in MODULES.values():
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(LAZY_IMPORTS_ALLOWED) or rel == "__init__.py" or rel.startswith(tuple(UNEXPLAINED_ALLOWED)):
            continue
        if lines := unexplained_imports(path):
            offenders[rel] = lines
    assert offenders == {}, "move these imports to the top of the module, or say on their line why they wait"


def test_the_import_rule_sees_what_it_claims(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("import os\n\n\ndef f():\n    import json\n    return json\n\n\n"
                    "def g():\n    import sklearn  # (optional dependency)\n    import sklearn.svm\n\n\n"
                    "def h():\n    # numpy on first use\n    import numpy\n    if numpy:\n        import csv\n")
    assert unexplained_imports(path) == [5, 18]
