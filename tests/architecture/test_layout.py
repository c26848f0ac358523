"""The package's layout keeps its promises (docs/architecture.md): no import circle, a few
modules at the top, small modules, and "which source?" decided by the sources' registry."""

import ast
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "wagtail_passfamille"

spec = importlib.util.spec_from_file_location("import_map", ROOT / "scripts" / "import_map.py")
import_map = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_map)


def python_files():
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def test_no_import_circle_counting_imports_inside_functions():
    graph = import_map.import_graph(ROOT)
    assert len(graph) > 100  # the whole package was read
    assert import_map.circles(graph) == []


def test_the_import_map_sees_a_circle_hidden_in_a_function(tmp_path):
    package = tmp_path / "wagtail_passfamille"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from wagtail_passfamille import b\n")
    (package / "b.py").write_text("def f():\n    from wagtail_passfamille.a import x\n")
    graph = import_map.import_graph(tmp_path)
    assert import_map.circles(graph) == [["wagtail_passfamille.a", "wagtail_passfamille.b"]]


def test_at_most_twelve_modules_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_no_module_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


SOURCE_DISPATCH = re.compile(r"""[!=]=\s*["'](caf|dgfip)["']|["'](caf|dgfip)["']\s*[!=]=""")


def test_which_source_is_decided_by_the_registry_only():
    found = []
    for path in python_files():
        relative = path.relative_to(PACKAGE).parts
        if relative[0] in ("sources", "sandbox"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SOURCE_DISPATCH.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_each_package_says_what_it_owns():
    for init in PACKAGE.glob("*/__init__.py"):
        if init.parent.name in ("migrations", "management", "templatetags", "commands"):
            continue
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring, f"{init.parent.name}/__init__.py has no docstring"


def test_only_admin_imports_wagtail_modeladmin():
    importers = sorted(
        str(p.relative_to(PACKAGE))
        for p in python_files()
        if "wagtail_modeladmin" in p.read_text(encoding="utf-8")
        and re.search(r"^\s*(from|import) wagtail_modeladmin", p.read_text(), re.M)
    )
    assert importers == ["admin.py"]


LAYERS = ["security", "sources", "services", "blocks", "models", "citizen", "editor", "backoffice"]
# What each front door may not import (docs/architecture.md's table).
FORBIDDEN = {
    "security": {"sources", "services", "blocks", "models", "citizen", "editor", "backoffice"},
    "sources": {"services", "blocks", "models", "citizen", "editor", "backoffice"},
    "services": {"blocks", "models", "citizen", "editor", "backoffice"},
    "blocks": {"services", "models", "citizen", "editor", "backoffice"},
    "models": {"citizen", "editor", "backoffice"},
    "citizen": {"editor", "backoffice"},
    "editor": {"backoffice"},
    "backoffice": {"citizen", "editor"},
}


def test_arrows_point_down_the_layers():
    graph = import_map.import_graph(ROOT)
    wrong = []
    for module, imported in graph.items():
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in FORBIDDEN:
            continue
        for target in imported:
            target_parts = target.split(".")
            if len(target_parts) > 1 and target_parts[1] in FORBIDDEN[parts[1]]:
                wrong.append(f"{module} -> {target}")
    assert wrong == []
