"""Administration services without HTTP: unit and account rules, substitutes, drafts, and the
instance search the migration page uses."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.admin import drafts, instance_search, process_versions, substitutions
from engine.admin import units as unit_registry
from engine.admin import users as user_registry
from engine.admin.units import UnitInput
from engine.admin.users import UserInput
from engine.core import formatting
from engine.core.errors import FieldErrors, InvalidDefinitionError, NotFoundError
from engine.core.paths import BPMN_DIR
from models import Role, Unit, User


@pytest.fixture
def people(session: Session) -> dict[str, User]:
    from engine.demo import seed_data as demo_data

    demo_data.create_demo_users(session, demo_data.load_units(session))
    session.commit()
    return {u.username: u for u in session.scalars(select(User))}


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def errors_of(call) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldErrors) as caught:
        call()
    return caught.value.errors


def test_unit_rules(session: Session, people) -> None:
    admin = people["admin"].id
    province = unit(session, "ubnd-tinh")
    errors = errors_of(
        lambda: unit_registry.create(session, admin, UnitInput("tinh-2", "Tỉnh khác", "province"))
    )
    assert errors == {"kind": "Đã có đơn vị cấp tỉnh (UBND tỉnh Sơn La)"}
    parent = unit_registry.create(
        session, admin, UnitInput("phong-a", "Phòng A", "department", parent_id=province.id)
    )
    child = unit_registry.create(
        session, admin, UnitInput("phong-a-to-1", "Tổ 1", "internal", parent_id=parent.id)
    )
    errors = errors_of(
        lambda: unit_registry.update(
            session,
            admin,
            parent.id,
            UnitInput("phong-a", "Phòng A", "department", parent_id=child.id),
        )
    )
    assert errors["parent_id"] == "Đơn vị cấp trên không thể là một bộ phận trực thuộc"
    errors = errors_of(
        lambda: unit_registry.update(
            session,
            admin,
            parent.id,
            UnitInput("phong-a", "Phòng A", "department", parent_id=parent.id),
        )
    )
    assert "chính đơn vị này" in errors["parent_id"]
    errors = errors_of(
        lambda: unit_registry.update(
            session, admin, parent.id, UnitInput("phong-a", "Phòng A", "department", active=False)
        )
    )
    assert errors == {"active": "Đơn vị còn 1 đơn vị trực thuộc đang hoạt động"}
    errors = errors_of(
        lambda: unit_registry.update(
            session, admin, province.id, UnitInput("ubnd-tinh", "UBND", "province", active=False)
        )
    )
    assert errors == {"active": "Không thể ngừng hoạt động đơn vị cấp tỉnh"}
    with pytest.raises(NotFoundError):
        unit_registry.get(session, 10**6)


def test_the_last_active_admin_stays(session: Session, people) -> None:
    me = people["admin"]
    other = user_registry.create(
        session, me.id, UserInput("admin2", "Quản trị 2", me.unit_id, (Role.ADMIN,)), "mat-khau-2"
    )[0]
    # another administrator may take the role away from the first one...
    user_registry.update(
        session,
        other.id,
        me.id,
        UserInput("admin", me.full_name, me.unit_id, (Role.PROVINCE_LEADER,)),
    )
    # ...but nobody can then remove the last one
    errors = errors_of(
        lambda: user_registry.update(
            session,
            me.id,
            other.id,
            UserInput("admin2", "Quản trị 2", me.unit_id, (Role.ADMIN,), active=False),
        )
    )
    assert errors["roles"] == "Phải còn ít nhất một quản trị hệ thống đang hoạt động"


def test_generated_passwords_are_readable_and_random() -> None:
    values = {user_registry.generate_password() for _ in range(50)}
    assert len(values) == 50
    assert all(len(v) == 12 and not set(v) & set("0O1lI") for v in values)


def test_the_simulator_account_is_not_administered(session: Session, people) -> None:
    from engine.demo.actors import bot_user

    bot = bot_user(session, unit(session, "ubnd-tinh").id)
    with pytest.raises(NotFoundError):
        user_registry.get(session, bot.id)
    assert user_registry.search(session, "he-thong").total == 0


def test_substitution_dates_and_states(session: Session, people) -> None:
    leader, staff = people["muong-la.leader"], people["muong-la.staff"]
    assert formatting.parse_date("29/02/2026") is None  # 2026 is not a leap year
    assert formatting.parse_date("28/02/2026") == date(2026, 2, 28)
    row = substitutions.create(
        session,
        people["admin"].id,
        leader.id,
        staff.id,
        "10/02/2026",
        "20/02/2026",
        today=date(2026, 2, 1),
    )
    assert row.state == "upcoming" and row.state_label == "Sắp hiệu lực"
    page = substitutions.search(session, "Mường La", today=date(2026, 2, 15))
    assert [r.state for r in page.rows] == ["active"]
    assert substitutions.search(session, today=date(2026, 3, 1)).total == 0
    assert substitutions.search(session, include_ended=True, today=date(2026, 3, 1)).total == 1


def test_drafts_need_exactly_one_executable_process(session: Session, world) -> None:
    xml = (BPMN_DIR / "unit_plan.bpmn").read_bytes()
    with pytest.raises(InvalidDefinitionError) as caught:
        drafts.process_key_of(xml.replace(b'isExecutable="true"', b'isExecutable="false"'))
    assert "đúng một quy trình thực thi" in caught.value.problems[0].message
    assert drafts.save(session, xml, actor_id=None) == "unit_plan"
    source = drafts.open_for_edit(session, "unit_plan")
    assert (source.source, source.latest_version, source.draft_updated_by) == (
        "draft",
        1,
        "Hệ thống",
    )
    assert drafts.open_for_edit(session, "unit_plan", version=1).source == "version"
    with pytest.raises(NotFoundError):
        drafts.open_for_edit(session, "unit_plan", version=7)
    assert [e.key for e in process_versions.catalog(session) if e.draft] == ["unit_plan"]


def test_instance_search_filters(session: Session, world) -> None:
    query = instance_search.InstanceQuery(process_key="unit_plan", unit_text="mường la")
    page = instance_search.search(session, query)
    assert page.total == 1 and page.rows[0].steps == ("Xây dựng kế hoạch của đơn vị",)
    everything = instance_search.InstanceQuery(process_key="unit_plan")
    assert len(instance_search.matching_ids(session, everything, limit=10)) == 10
    assert instance_search.search(session, everything).total == 90
    suspended = instance_search.InstanceQuery(process_key="unit_plan", status="suspended")
    assert instance_search.search(session, suspended).total == 0
