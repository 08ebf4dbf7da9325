"""Layering rules, checked on the source text (imports inside functions count too):

- engine/ and models/ never import Flask or web/; models/ never imports engine/;
- engine/ holds only `__init__.py`, `cli.py` and sub-packages, each with a docstring that says
  what it is for and what it may import;
- a sub-package imports only the sub-packages below it (`ALLOWED`), so no cycle can form
  between them; no module-level import cycle either;
- `engine.demo` is imported only by the CLI (and by tests and the benchmark);
- no module over 400 lines, no function over 50 lines;
- Alembic builds the models' schema.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import inspect

from engine.core.db import make_engine
from engine.core.schema import upgrade
from models import Base

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"

ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "workflow": {"core"},
    "domain": {"core", "workflow"},
    "processes": {"core", "workflow", "domain"},
    "queries": {"core", "workflow", "domain"},
    "admin": {"core", "workflow", "domain", "processes", "queries"},
    "documents": {"core", "workflow", "domain", "processes", "queries"},
    "demo": {"core", "workflow", "domain", "processes", "queries", "admin", "documents"},
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def imported_modules(path: Path) -> set[str]:
    """Return the top-level names of every module `path` imports, anywhere in the file."""
    return {name.split(".")[0] for name in imported_names(path.read_text(encoding="utf-8"))}


def imported_names(source: str) -> set[str]:
    """Return the full dotted names `source` imports (`from engine.core import clock` gives
    `engine.core.clock` as well as `engine.core`), at module level and inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def sub_package_of(dotted: str) -> str | None:
    """Return the engine sub-package a dotted name lies in (`engine.core.clock` → `core`)."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "engine" and parts[1] in ALLOWED else None


def layer_violations(package: str, module: str, source: str) -> list[str]:
    """Return the imports of `source` (a module of engine.`package`) that break `ALLOWED`."""
    names = imported_names(source)
    bad = set()
    for name in names:
        target = sub_package_of(name)
        if target is None or target == package or target in ALLOWED[package]:
            continue
        if not any(other.startswith(name + ".") for other in names):  # the most precise name
            bad.add(f"engine/{package}/{module} imports engine.{target} ({name})")
    return sorted(bad)


def engine_modules() -> Iterable[tuple[str, Path]]:
    for path in sorted(ENGINE.rglob("*.py")):
        rel = path.relative_to(ENGINE)
        if len(rel.parts) == 2:
            yield rel.parts[0], path


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def test_engine_and_models_do_not_import_flask_or_web() -> None:
    offenders = []
    for folder in ("engine", "models"):
        for path in (ROOT / folder).rglob("*.py"):
            bad = imported_modules(path) & {"flask", "flask_login", "flask_wtf", "web"}
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_models_do_not_import_engine() -> None:
    offenders = [str(p) for p in (ROOT / "models").rglob("*.py")
                 if "engine" in imported_modules(p)]
    assert offenders == []


def test_engine_holds_only_cli_and_documented_sub_packages() -> None:
    top = sorted(p.name for p in ENGINE.iterdir() if p.name != "__pycache__")
    assert top == sorted(["__init__.py", "cli.py", *ALLOWED])
    for package in ALLOWED:
        docstring = ast.get_docstring(ast.parse((ENGINE / package / "__init__.py").read_text()))
        assert docstring and "May import" in docstring, package


def test_sub_packages_import_only_the_layers_below_them() -> None:
    offenders = []
    for package, path in engine_modules():
        offenders += layer_violations(package, path.name, path.read_text(encoding="utf-8"))
    assert offenders == []


def test_the_layer_check_catches_a_wrong_import() -> None:
    wrong = "def f():\n    from engine.processes import cascade\n"
    assert layer_violations("domain", "reports.py", wrong) == [
        "engine/domain/reports.py imports engine.processes (engine.processes.cascade)"
    ]
    assert layer_violations("core", "clock.py", "import engine.demo.simulation\n") == [
        "engine/core/clock.py imports engine.demo (engine.demo.simulation)"
    ]
    assert layer_violations("admin", "users.py", "from engine.core import audit\n") == []


def test_demo_is_imported_only_by_the_cli() -> None:
    offenders = []
    for folder in ("engine", "web", "models"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.is_relative_to(ENGINE / "demo") or path == ENGINE / "cli.py":
                continue
            if any(sub_package_of(n) == "demo" for n in imported_names(path.read_text())):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_import_cycle_between_engine_modules() -> None:
    known = {module_name(p) for p in ENGINE.rglob("*.py")}
    graph = {
        module_name(p): {n for n in imported_names(p.read_text()) if n in known} - {"engine"}
        for p in ENGINE.rglob("*.py")
    }
    cycles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_modules_and_functions_stay_short() -> None:
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            offenders.append(f"{path.relative_to(ROOT)}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.name}: {length} lines")
    assert offenders == []


def test_alembic_migrations_build_the_models_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(engine)
    upgrade(engine)  # idempotent: a second init is a no-op
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
    engine.dispose()
