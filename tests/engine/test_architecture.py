"""Layering rules: engine/ and models/ never import Flask; Alembic builds the models' schema."""
from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import inspect

from engine.core.db import make_engine
from engine.core.schema import upgrade
from models import Base

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


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


def test_alembic_migrations_build_the_models_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(engine)
    upgrade(engine)  # idempotent: a second init is a no-op
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
    engine.dispose()
