"""Search boxes look for what was typed: `%` and `_` are characters, not SQL wildcards — in the
admin lists of units, users and substitutes, the instance search of migration, the inbox's
unit filter and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.admin import instance_search, substitutions, units, users
from engine.core.text_search import contains_text
from models import Unit, User
from tests.web.conftest import text

# Each pair: a unit whose name holds the character, and a decoy a wildcard would also match.
NAMES = {
    "to-100": "Tổ số hóa 100% hộ dân",
    "to-1000": "Tổ 1000 hộ gia đình",
    "to-a-b": "Tổ A_B thôn bản",
    "to-axb": "Tổ AxB thôn bản",
}


@pytest.fixture
def odd_units(session: Session, world: Any) -> dict[str, int]:
    """Four internal departments of Mường La named with and without `%` and `_`, each with
    a staff account named like its unit."""
    parent = session.scalars(select(Unit).where(Unit.code == "muong-la")).one()
    ids = {}
    for code, name in NAMES.items():
        unit = Unit(code=code, name=name, kind="internal", parent_id=parent.id)
        session.add(unit)
        session.flush()
        session.add(User(username=f"{code}.staff", full_name=f"Cán bộ {name}",
                         password_hash="!", unit_id=unit.id))
        ids[code] = unit.id
    session.commit()
    return ids


def table_of(body: str, table_id: str) -> str:
    """Return the HTML of the page's table `table_id` ("" when the page has none)."""
    start = body.find(f'id="{table_id}"')
    return body[start:body.index("</table>", start)] if start >= 0 else ""


def names_in(body: str) -> set[str]:
    """Return which of the odd units' names a list shows."""
    return {name for name in NAMES.values() if name in body}


def test_the_helper_matches_percent_and_underscore_literally(session: Session,
                                                             odd_units: Any) -> None:
    def found(typed: str) -> set[str]:
        return set(session.scalars(select(Unit.name).where(contains_text(Unit.name, typed))))

    assert found("100%") == {NAMES["to-100"]}
    assert found("a_b") == {NAMES["to-a-b"]}  # case ignored, `_` literal
    assert found("%") == {NAMES["to-100"]}
    assert found("_") == {NAMES["to-a-b"]}
    assert found("  1000 ") == {NAMES["to-1000"]}  # surrounding spaces dropped
    assert found("/") == set()  # the escape character itself is literal too


@pytest.mark.parametrize(("typed", "expected"), [
    ("100%", {"to-100"}), ("%", {"to-100"}), ("A_B", {"to-a-b"}), ("_", {"to-a-b"}),
])
def test_admin_unit_and_user_lists(signed_in: Any, odd_units: Any, typed: str,
                                   expected: set[str]) -> None:
    admin = signed_in("admin")
    wanted = {NAMES[code] for code in expected}
    unit_list = text(admin.get("/admin/units", query_string={"q": typed}))
    user_list = text(admin.get("/admin/users", query_string={"q": typed}))
    assert names_in(table_of(unit_list, "units-table")) == wanted
    assert names_in(table_of(user_list, "users-table")) == wanted


def test_engine_searches_escape_wildcards(session: Session, odd_units: Any) -> None:
    assert {r.code for r in units.search(session, "%").rows} == {"to-100"}
    assert {r.username for r in users.search(session, "_").rows} == {"to-a-b.staff"}
    # no substitute is named with `%`: a wildcard would list every substitution there is
    assert len(substitutions.search(session, "%", include_ended=True).rows) == 0
    # no unit with an instance is named with `_`: a wildcard would list every instance
    query = instance_search.InstanceQuery(process_key="unit_plan", unit_text="_")
    assert len(instance_search.search(session, query).rows) == 0
    found = instance_search.search(session, instance_search.InstanceQuery(
        process_key="unit_plan", unit_text="Mường La"))
    assert [r.unit_name for r in found.rows] == ["Xã Mường La"]


def test_migration_and_audit_pages_take_percent_literally(signed_in: Any) -> None:
    admin = signed_in("admin")

    def listed(path: str, table_id: str, **args: str) -> str:
        return table_of(text(admin.get(path, query_string=args)), table_id)

    migration = {"process": "unit_plan", "mode": "filter"}
    assert "Xã Mường La" in listed("/admin/migration", "instance-table", **migration,
                                   unit="Mường La")
    assert "Xã Mường La" not in listed("/admin/migration", "instance-table", **migration,
                                       unit="%")
    assert "Xã Mường La" in listed("/audit", "audit-table", unit="Mường La")
    assert listed("/audit", "audit-table", unit="%").count("<tr") <= 1  # the header at most


def test_inbox_unit_filter_takes_underscore_literally(signed_in: Any) -> None:
    staff = signed_in("muong-la.staff")
    found = table_of(text(staff.get("/", query_string={"q": "mường"})), "inbox-table")
    assert "Xã Mường La" in found
    assert "Xã Mường La" not in table_of(text(staff.get("/", query_string={"q": "_"})),
                                         "inbox-table")
