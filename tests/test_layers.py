"""The package's folders are layers: lower ones never import higher ones (issue #24)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "classify"


def _unit(module: str) -> str:
    """``classify.text.prepare`` -> ``text``; top-level modules are their own unit."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        unit = _unit(module) if module != "classify" else "__init__"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("classify.") and _unit(name) != unit:
                    graph.setdefault(unit, set()).add(_unit(name))
    return graph


def test_text_imports_nothing_of_classify_but_errors():
    assert _imports().get("text", set()) <= {"errors"}


def test_no_import_cycle_between_subpackages():
    graph = _imports()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(unit for unit in graph if reaches(unit, unit, {unit}))
    assert not cycles, {unit: sorted(graph[unit]) for unit in cycles}


def test_no_module_over_500_lines():
    long = {
        str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 500
    }
    assert not long


def test_only_the_command_line_imports_the_web_server():
    importers = {unit for unit, imported in _imports().items() if "serve" in imported}
    assert importers == {"cli"}
