"""The layout holds: no private names reached across modules, no import cycles, one vendor surface.

Only imports are checked (``ast`` over ``src/invoicecalc``); attribute access is not.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import invoicecalc

ROOT = Path(invoicecalc.__file__).parent
VENDORS = ("cashboard", "freshbooks", "kashoo")
#: What every vendor subpackage offers, by the same names.
VENDOR_CORE = {"read", "write"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _package(name: str) -> str:
    """The package a module's relative imports start from."""
    return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]


def _imports(name: str) -> list[tuple[str, str | None]]:
    """``(module, imported name)`` for each import; ``None`` for a plain ``import x``.

    Imports inside functions count too: a deferred import is still an edge.
    """
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package(name).split(".")
                anchor = ".".join(package[: len(package) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found += [(base, alias.name) for alias in node.names]
    return found


def _edges(name: str) -> set[str]:
    """The invoicecalc modules ``name`` imports (``from . import x`` names the submodule ``x``)."""
    edges = set()
    for module, imported in _imports(name):
        if imported is not None and f"{module}.{imported}" in MODULES:
            edges.add(f"{module}.{imported}")
        elif module in MODULES:
            edges.add(module)
    return edges


def test_the_walk_sees_the_layout() -> None:
    assert {"invoicecalc._cli", "invoicecalc.document", "invoicecalc._parse"} <= MODULES.keys()
    assert "invoicecalc.vendors.cashboard._read" in _edges("invoicecalc.vendors.cashboard")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_is_imported_from_another_module(name: str) -> None:
    reached = [
        f"{module}.{imported}"
        for module, imported in _imports(name)
        if imported is not None
        and imported.startswith("_")
        and not imported.startswith("__")
        and f"{module}.{imported}" not in MODULES  # a private submodule is fine
    ]
    assert reached == []


def test_no_import_cycle() -> None:
    graph = {name: _edges(name) for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


@pytest.mark.parametrize("vendor", VENDORS)
def test_each_vendor_is_a_subpackage_with_the_core_surface(vendor: str) -> None:
    name = f"invoicecalc.vendors.{vendor}"
    assert MODULES[name].name == "__init__.py"
    module = importlib.import_module(name)
    assert set(module.__all__) & VENDOR_CORE == VENDOR_CORE
    assert all(hasattr(module, symbol) for symbol in module.__all__)
    private = [n for n in MODULES if n.startswith(f"{name}.")]
    assert private
    assert all(n.rpartition(".")[2].startswith("_") for n in private)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_vendor_surface_only_re_exports(vendor: str) -> None:
    tree = ast.parse(MODULES[f"invoicecalc.vendors.{vendor}"].read_text())
    defined = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    assert defined == []
