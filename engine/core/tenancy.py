"""Which tenant a session works for, enforced in one place.

A session is either *scoped* to one tenant — a web request once its user is known, the tick
while it fires one tenant's instance — or *system*: the CLI, migrations, the tick between
instances. In a scoped session:

- every ORM statement (select, update, delete; relationship and lazy loads included) sees
  only the tenant's rows of every `TenantOwned` model: `_restrict` adds the criterion, so no
  route, view or query can forget it;
- new rows are written for the tenant, and a row of another tenant is refused at flush;
- on PostgreSQL, each transaction carries the tenant in the `plancascade.tenant` setting,
  which the row-level-security policies (migrations 0011 and 0013: `tenant_isolation` for
  a tenant, `tenant_system` for the system) check a second time, whatever the SQL (a Core
  statement or text() included). A new tenant-owned table needs both policies.

Reading across tenants (the Ministry's roll-ups) is explicit: `across_tenants`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, bindparam, event, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.visitors import InternalTraversal

from engine.core.errors import PermissionDeniedError
from models import Base, TenantOwned

SCOPE = "tenancy.scope"  # session.info: the tenant id the session works for (absent: system)
SETTING = "plancascade.tenant"  # PostgreSQL setting the row-level-security policies read
SYSTEM = "*"
OWNED_TABLES = tuple(sorted(
    t.name for t in Base.metadata.sorted_tables if "tenant_id" in t.c))


class TenantViolation(PermissionDeniedError):
    """A scoped session tried to write a row of another tenant."""


def current(session: Session) -> int | None:
    """Return the tenant `session` is scoped to, or None for the system."""
    tenant: int | None = session.info.get(SCOPE)
    return tenant


def enter(session: Session, tenant_id: int | None) -> None:
    """Scope `session` to `tenant_id` (None: the system) from now on, the running
    transaction included (nothing to do when it already works for it)."""
    if session.in_transaction() and current(session) == tenant_id:
        return
    if tenant_id is None:
        session.info.pop(SCOPE, None)
    else:
        session.info[SCOPE] = int(tenant_id)
    if session.in_transaction():
        _apply_setting(session.connection(), tenant_id)


@contextmanager
def scoped(session: Session, tenant_id: int | None) -> Iterator[Session]:
    """Work for `tenant_id` inside the block, then go back to the previous scope."""
    previous = current(session)
    enter(session, tenant_id)
    try:
        yield session
    finally:
        enter(session, previous)


@contextmanager
def across_tenants(session: Session) -> Iterator[Session]:
    """Read every tenant's rows inside the block (the Ministry's roll-ups: only counts and
    what the provinces sent it leave such a block)."""
    with scoped(session, None):
        yield session


def _apply_setting(connection: Connection, tenant_id: int | None) -> None:
    if connection.dialect.name == "postgresql":
        value = SYSTEM if tenant_id is None else str(tenant_id)
        connection.execute(text("SELECT set_config(:name, :value, true)"),
                           {"name": SETTING, "value": value})


def _after_begin(session: Session, _transaction: Any, connection: Connection) -> None:
    _apply_setting(connection, current(session))


class _TenantColumn(ColumnElement[int]):
    """A row's tenant column in the scope's criterion, which SQLite's planner must not use as
    an index: without statistics it takes `tenant_id = ?` to be as selective as any other
    equality and may walk a whole province (`ix_human_task_tenant_id` for one instance's
    tasks). Rendered `+tenant_id` there (SQLite's documented way to disqualify a term from
    index use), as is elsewhere: PostgreSQL plans with its statistics."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]
    type = Integer()

    def __init__(self, column: Any) -> None:
        self.column = coercions.expect(roles.ExpressionElementRole, column)


@compiles(_TenantColumn)
def _tenant_column(element: _TenantColumn, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(_TenantColumn, "sqlite")
def _tenant_column_unindexed(element: _TenantColumn, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


SCOPE_PARAMETER = "tenancy_scope"
# One criterion for every statement and tenant: the tenant is a parameter of the execution,
# not a value caught in the lambda's closure, which SQLAlchemy would analyse at every
# statement (a tenth of a millisecond each).
_SCOPE = bindparam(SCOPE_PARAMETER, type_=Integer)
_CRITERION = with_loader_criteria(
    TenantOwned, lambda cls: _TenantColumn(cls.tenant_id) == _SCOPE,
    include_aliases=True, track_closure_variables=False)


def _with_scope(parameters: Any, tenant: int) -> Any:
    """Return the execution's parameters with the tenant added (to each set of an
    executemany)."""
    if isinstance(parameters, list | tuple):
        return [{**p, SCOPE_PARAMETER: tenant} for p in parameters]
    return {**(parameters or {}), SCOPE_PARAMETER: tenant}


def _restrict(state: ORMExecuteState) -> None:
    tenant = current(state.session)
    if tenant is None:
        return
    # relationship and lazy loads inherit the criterion from the statement that loaded their
    # parent, but each execution needs the parameter
    state.parameters = _with_scope(state.parameters, tenant)
    if state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(_CRITERION)


def _stamp(session: Session, _context: Any, _instances: Any) -> None:
    tenant = current(session)
    if tenant is None:
        return
    for obj in session.new:
        if isinstance(obj, TenantOwned):
            if obj.tenant_id is None:
                obj.tenant_id = tenant
            elif obj.tenant_id != tenant:
                raise TenantViolation("Không được ghi dữ liệu của đơn vị thuộc tỉnh khác.")


def install(target: Any = Session) -> None:
    """Enforce tenancy on every session made from `target` (the Session class: all)."""
    for name, listener in (("after_begin", _after_begin), ("do_orm_execute", _restrict),
                           ("before_flush", _stamp)):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
