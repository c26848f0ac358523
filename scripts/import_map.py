"""Import map of the package: every ``wagtail_passfamille`` import, module- or function-level.

Prints the import circles (strongly connected components of more than one module, or a module
importing itself), and exits 1 when there is any. ``tests/test_architecture.py`` runs the same
analysis, so a circle fails the suite.

    python scripts/import_map.py [--edges]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "wagtail_passfamille"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph(root: Path) -> dict[str, set[str]]:
    """Edges module → imported module, for the modules of ``PACKAGE`` under ``root``."""
    files = {
        module_name(p, root): p
        for p in (root / PACKAGE).rglob("*.py")
        if "migrations" not in p.parts
    }
    graph: dict[str, set[str]] = {name: set() for name in files}

    def target(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            # Imports for type checkers only never run: ``if TYPE_CHECKING:`` blocks are skipped.
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []
        for node in ast.walk(tree):
            found: list[str] = []
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = resolve(name, is_package, node)
                found = [f"{base}.{alias.name}" for alias in node.names]
            for imported in found:
                if not imported.startswith(PACKAGE):
                    continue
                hit = target(imported)
                if hit and hit != name:
                    graph[name].add(hit)
                    # Importing ``a.b.c`` runs ``a.b``'s __init__ first: an edge too, unless the
                    # importer sits inside ``a.b`` (its own package is already being imported).
                    parent = hit.rpartition(".")[0]
                    while parent.count(".") >= 1:
                        if not (name + ".").startswith(parent + ".") and parent in files:
                            graph[name].add(parent)
                        parent = parent.rpartition(".")[0]
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    graph = import_graph(root)
    if "--edges" in sys.argv:
        for name in sorted(graph):
            for imported in sorted(graph[name]):
                print(f"{name} -> {imported}")
    found = circles(graph)
    for component in found:
        print(f"circle ({len(component)} modules): " + ", ".join(component))
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports, {len(found)} circles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
