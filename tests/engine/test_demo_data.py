"""Tests for engine.demo.seed_data: the shipped 2026 plan, the 90 units and the demo accounts."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

import models
from engine.demo.seed_data import create_demo_users, load_plan, load_units, read_json
from engine.domain.regimes import report_rounds
from models import Plan, PlanKpi, PlanTask, RoleMembership, TemplateTask, Unit, UnitKind, User


@pytest.fixture
def session() -> Iterator[Session]:
    """Return a session on a fresh in-memory SQLite database."""
    engine = create_engine("sqlite://")
    models.Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def _count(session: Session, model: type, *where: Any) -> int:
    """Count rows of `model` matching `where`."""
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _counts(session: Session) -> tuple[int, ...]:
    """Row counts of every table the loaders write."""
    return tuple(
        _count(session, m)
        for m in (Unit, Plan, PlanKpi, PlanTask, TemplateTask, User, RoleMembership)
    )


def _load_all(session: Session) -> Plan:
    """Run the three loaders once and return the plan."""
    units = load_units(session)
    plan = load_plan(session)
    create_demo_users(session, units)
    return plan


def test_plan_kpis_and_tasks(session: Session) -> None:
    """The plan has 29 measurable KPIs + the II.8 parent, 49 tasks + 9 sub-items, both templates."""
    plan = load_plan(session)
    assert plan.decision_number == "33/QĐ-UBND"
    assert plan.decision_date == date(2026, 1, 6)
    assert plan.adoption_due_date == date(2026, 1, 10)
    assert plan.status == "draft"
    assert plan.target_kinds == ["department", "commune"]
    quarters = ["2026-03-05", "2026-06-05", "2026-09-05", "2026-12-05"]
    assert [r.due.isoformat() for r in report_rounds(plan)] == quarters
    assert [r.key for r in report_rounds(plan)] == ["q1", "q2", "q3", "q4"]
    assert plan.settings["inspection_due"] == "2026-11-30"
    assert plan.created_at.tzinfo is not None
    measurable = [k for k in plan.kpis if k.measurable]
    parents = [k for k in plan.kpis if not k.measurable]
    assert len(measurable) == 29
    assert [k.code for k in parents] == ["II.8"]
    assert {k.parent_code for k in plan.kpis if k.parent_code} == {"II.8"}
    assert [k.position for k in plan.kpis] == list(range(1, 31))
    top = [t for t in plan.tasks if t.parent_code is None]
    subs = [t for t in plan.tasks if t.parent_code is not None]
    assert (len(top), len(subs)) == (49, 9)
    assert {t.parent_code for t in subs} == {"V.5"}
    kinds = [t.unit_kind for t in plan.template_tasks]
    assert (kinds.count("department"), kinds.count("commune")) == (34, 24)


def test_kpi_values(session: Session) -> None:
    """Targets keep the typed text: I.2 is 72 % (the scan's 79 % is only noted), VNeID 65 %."""
    kpis = {k.code: k for k in load_plan(session).kpis}
    assert kpis["I.2"].target_value == 72
    assert kpis["I.2"].target_unit == "%"
    assert kpis["I.2"].comparator == ">="
    assert kpis["III.14"].target_value == 65
    assert "VNeID" in kpis["III.14"].name
    assert kpis["II.8"].target_value is None
    assert all(k.target_value is not None for k in kpis.values() if k.measurable)


def test_template_tasks_point_to_province_tasks(session: Session) -> None:
    """Every template task refers to an existing Phụ lục II task."""
    plan = load_plan(session)
    codes = {t.code for t in plan.tasks}
    assert all(t.province_task_code in codes for t in plan.template_tasks)
    first = next(t for t in plan.template_tasks if t.unit_kind == "commune" and t.code == "I.1")
    assert "Trước 10/01/2026" in (first.deadline_text or "")


def test_units(session: Session) -> None:
    """15 departments, 75 communes (8 phường, 67 xã) and the province, with unique ASCII codes."""
    units = load_units(session)
    by_kind = {kind: [u for u in units.values() if u.kind == kind] for kind in UnitKind}
    assert len(by_kind[UnitKind.DEPARTMENT]) == 15
    assert len(by_kind[UnitKind.COMMUNE]) == 75
    assert [u.code for u in by_kind[UnitKind.PROVINCE]] == ["ubnd-tinh"]
    subkinds = [u.subkind for u in by_kind[UnitKind.COMMUNE]]
    assert (subkinds.count("phuong"), subkinds.count("xa")) == (8, 67)
    codes = [u.code for u in session.scalars(select(Unit))]
    assert len(codes) == len(set(codes)) == 91
    assert all(c.isascii() and c == c.lower() and " " not in c for c in codes)
    assert units["muong-la"].name == "Xã Mường La"
    assert units["to-hieu"].name == "Phường Tô Hiệu"
    assert units["so-tai-chinh"].name == "Sở Tài chính"
    assert units["van-phong-ubnd-tinh"].name == "Văn phòng UBND tỉnh"
    assert units["so-khoa-hoc-va-cong-nghe"].kind == UnitKind.DEPARTMENT
    assert units["doan-ket"].name == "Xã Đoàn Kết"
    assert units["muong-la"].parent is units["ubnd-tinh"]


def test_demo_users(session: Session) -> None:
    """5 province-wide accounts + staff and leader for each of the 90 units, password "demo"."""
    units = load_units(session)
    assert create_demo_users(session, units) == 5 + 2 * 90
    assert _count(session, User) == 185
    users = {u.username: u for u in session.scalars(select(User))}
    assert users["admin"].role_names == {"admin"}
    assert users["admin"].unit.code == "ubnd-tinh"
    assert users["skhcn.staff"].role_names == {"dost_staff"}
    assert users["skhcn.leader"].unit.code == "so-khoa-hoc-va-cong-nghe"
    assert users["ubnd.leader"].role_names == {"province_leader"}
    assert users["inspector"].role_names == {"inspector"}
    assert users["muong-la.staff"].role_names == {"unit_staff"}
    assert users["muong-la.staff"].full_name == "Chuyên viên Xã Mường La"
    assert users["so-tai-chinh.leader"].role_names == {"unit_leader"}
    assert users["so-tai-chinh.leader"].full_name == "Lãnh đạo Sở Tài chính"
    assert "ubnd-tinh.staff" not in users
    assert check_password_hash(users["van-phong-ubnd-tinh.leader"].password_hash, "demo")


def test_loaders_are_idempotent(session: Session) -> None:
    """Running every loader twice leaves the same rows; the second run creates no user."""
    plan = _load_all(session)
    before = _counts(session)
    assert before == (91, 1, 30, 58, 58, 185, 185)
    units = load_units(session)
    assert load_plan(session).id == plan.id
    assert create_demo_users(session, units) == 0
    assert _counts(session) == before


def test_muong_la_adaptation_matches_plan(session: Session) -> None:
    """Mường La keeps 15 province KPIs and drops 14; every reference exists in the plan."""
    plan = load_plan(session)
    kpi_codes = {k.code for k in plan.kpis if k.measurable}
    task_codes = {t.code for t in plan.tasks}
    data = read_json("muong_la_2026.json")
    kept, dropped = data["province_kpis_kept"], data["province_kpis_dropped"]
    assert (len(kept), len(dropped)) == (15, 14)
    assert set(kept) | set(dropped) == kpi_codes
    assert all(k["province_kpi_ref"] in kpi_codes for k in data["kpis"])
    assert all(t["province_task_ref"] in task_codes for t in data["tasks"])
    vneid = next(k for k in data["kpis"] if k["province_kpi_ref"] == "III.14")
    assert vneid["target_value"] == 85
    internal = read_json("units.json")["internal_departments"]["muong-la"]
    assert "Phòng Văn hóa - Xã hội" in internal


def test_vpub_report_matches_plan(session: Session) -> None:
    """The VPUB Q1 report: 12 đạt, 2 chưa đạt, 2 not assessed; refs point into the plan."""
    plan = load_plan(session)
    kpi_codes = {k.code for k in plan.kpis}
    task_codes = {t.code for t in plan.tasks}
    data = read_json("vpub_report_q1_2026.json")
    verdicts = [k["assessment"] for k in data["kpi_results"]]
    assert (verdicts.count("đạt"), verdicts.count("chưa đạt"), verdicts.count(None)) == (12, 2, 2)
    assert all(
        k["province_kpi_ref"] in kpi_codes for k in data["kpi_results"] if k["province_kpi_ref"]
    )
    assert all(
        t["province_task_ref"] in task_codes for t in data["task_results"] if t["province_task_ref"]
    )
    statuses = [t["status_code"] for t in data["task_results"]]
    assert (statuses.count("done"), statuses.count("in_progress")) == (5, 11)


def test_the_shipped_plan_moves_to_another_year_on_its_working_days() -> None:
    from engine.core.workcalendar import WorkCalendar
    from engine.demo.seed_data import moved_to_year, read_json

    data = read_json("plan_2026.json")
    off = WorkCalendar.from_overrides([{"date": "2027-01-06", "kind": "off", "name": "Nghỉ bù"}])
    moved = moved_to_year(data, 2027, off)
    assert moved["decision"]["date"] == "2027-01-07"  # the 6th is a day off: the next day
    assert moved["deadlines"]["unit_plan_due"] == "2027-01-11"  # 10/01/2027 is a Sunday
    assert moved["deadlines"]["quarterly_due"] == [
        "2027-03-05",
        "2027-06-07",
        "2027-09-06",
        "2027-12-06",
    ]
    assert moved["decision"]["plan_title"] == "Kế hoạch Chuyển đổi số tỉnh Sơn La năm 2027"
    assert "2026" not in moved["department_template"][0]["product"]
    assert data["decision"]["date"] == "2026-01-06"  # the shipped data is left alone


def test_simulate_plays_another_year(session: Session) -> None:
    from engine.demo.simulation import simulate

    result = simulate(
        session, units=20, late_fraction=0.2, seed=3, year=2027, last=date(2027, 1, 25)
    )
    assert result["units"] == 20 and result["instances_started"] >= 21
    plan = session.scalars(select(models.Plan)).one()
    assert (plan.year, plan.adoption_due_date) == (2027, date(2027, 1, 11))
