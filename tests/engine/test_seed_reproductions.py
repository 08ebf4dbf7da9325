"""Seeds reproduced: the VPUB Q1 report's verdicts (seed 004), xã Mường La's adaptation (seed
003), and the province report's numbers against a hand-computed fixture."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import FieldErrors
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.demo.seed_data import DATA_DIR
from engine.domain import aggregation
from engine.domain.unit_plans import default_content
from engine.processes import tasks, timers
from engine.queries import task_views
from models import PlanKpi, Report, ReportStatus, Unit

VERDICT = {"đạt": "dat", "chưa đạt": "chua_dat"}
STATUS = {"done": "done", "in_progress": "in_progress", "not_started": "not_started"}


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def one(session: Session, u: Unit, form_key: str):  # type: ignore[no-untyped-def]
    found = ready_tasks(session, unit_id=u.id, form_key=form_key)
    assert found, form_key
    return found[0]


def adopt(session: Session, cast, u: Unit, content: dict) -> None:  # type: ignore[no-untyped-def]
    clock.set_now(at(date(2026, 1, 7), 9))
    act(session, cast, one(session, u, "unit_plan_adapt"), content)
    act(
        session,
        cast,
        one(session, u, "unit_plan_approve"),
        {"decision": "approve", "plan_number": "03/KH-VPUB", "plan_date": "2026-01-07"},
    )
    act(session, cast, one(session, u, "unit_plan_review"), {"decision": "accept"})
    clock.set_now(at(date(2026, 2, 19), 8, 1))
    timers.tick(session)


def vpub() -> dict:
    return json.loads((DATA_DIR / "vpub_report_q1_2026.json").read_text(encoding="utf-8"))


def test_vpub_q1_report_yields_the_documents_verdicts(session: Session, world) -> None:
    plan, cast = world
    office = unit(session, "van-phong-ubnd-tinh")
    report = vpub()
    judged = [k for k in report["kpi_results"] if k["province_kpi_ref"]]
    targets = {k["province_kpi_ref"]: k["target_value"] for k in judged}
    known = set(session.scalars(select(PlanKpi.code).where(PlanKpi.plan_id == plan.id)))
    content = default_content(session, plan.id, office)
    for kpi in content["kpis"]:
        kpi["selected"] = kpi["code"] in targets
        kpi["target_value"] = targets.get(kpi["code"], kpi["target_value"])
    for item in content["tasks"]:
        item["responsible"] = "Phòng Hành chính - Tổ chức"
    assert set(targets) <= known
    adopt(session, cast, office, content)
    fill = one(session, office, "quarterly_report_fill")
    staff = cast.actor("unit_staff", office.id)
    data = task_views.get(session, staff, fill.id)[1]
    assert {k["code"] for k in data["kpi_results"]} == set(targets)
    actual = {k["province_kpi_ref"]: k for k in judged}
    for item in data["kpi_results"]:
        source = actual[item["code"]]
        item["actual_value"] = source["actual_value"]
        item["actual_text"] = source["actual_text"] or ""
    statuses = {
        t["department_template_ref"]: t
        for t in report["task_results"]
        if t.get("department_template_ref")
    }
    for item in data["task_statuses"]:
        if item["code"] in statuses:
            item["status"] = STATUS[statuses[item["code"]]["status_code"]]
            item["description"] = statuses[item["code"]]["description"] or ""
    tasks.complete(session, staff, fill.id, data)
    stored = session.scalars(select(Report).where(Report.unit_id == office.id)).one()
    verdicts = {k["code"]: k["verdict"] for k in stored.kpi_results}
    expected = {k["province_kpi_ref"]: VERDICT[k["assessment"]] for k in judged}
    assert verdicts == expected
    assert sorted(expected.values()).count("chua_dat") == 2
    by_code = {t["code"]: t["status"] for t in stored.task_statuses}
    for code, source in statuses.items():
        if code in by_code:
            assert by_code[code] == STATUS[source["status_code"]]


def muong_la() -> dict:
    return json.loads((DATA_DIR / "muong_la_2026.json").read_text(encoding="utf-8"))


def test_muong_la_adaptation_is_judged_against_its_own_targets(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    source = muong_la()
    own = {k["province_kpi_ref"]: k["target_value"] for k in source["kpis"]}
    assert (own["III.14"], own["III.13"], own["III.4"]) == (85.0, 20.0, 100.0)
    content = default_content(session, plan.id, commune)
    for kpi in content["kpis"]:
        kpi["selected"] = kpi["code"] in source["province_kpis_kept"]
        kpi["target_value"] = own.get(kpi["code"], kpi["target_value"])
    content["tasks"] = [
        dict(
            t,
            kept=t["code"] in source["commune_template_kept"],
            responsible="Phòng Văn hóa - Xã hội",
        )
        for t in content["tasks"]
    ]
    content["tasks"].append(
        {
            "code": "TB.1",
            "name": "Kế hoạch công tác của Ban Chỉ đạo xã",
            "kept": True,
            "added": True,
            "responsible": "Phòng Văn hóa - Xã hội",
        }
    )
    adopt(session, cast, commune, content)
    fill = one(session, commune, "quarterly_report_fill")
    staff = cast.actor("unit_staff", commune.id)
    data = task_views.get(session, staff, fill.id)[1]
    assert {k["code"] for k in data["kpi_results"]} == set(source["province_kpis_kept"])
    assert "TB.1" in {t["code"] for t in data["task_statuses"]}
    values = {"III.14": 80.0, "III.13": 25.0, "III.4": 97.0}
    for item in data["kpi_results"]:
        item["actual_value"] = values.get(item["code"], 100.0)
    dropped = dict(data, kpi_results=data["kpi_results"] + [{"code": "I.1", "actual_value": 50}])
    with pytest.raises(FieldErrors) as caught:
        tasks.complete(session, staff, fill.id, dropped)
    assert list(caught.value.errors.values())[0].startswith(
        "Chỉ tiêu I.1 không có trong kế hoạch của đơn vị; chỉ báo cáo các mã: "
    )
    session.rollback()
    tasks.complete(session, staff, fill.id, data)
    stored = session.scalars(
        select(Report).where(Report.unit_id == commune.id, Report.round_key == "q1")
    ).one()
    verdicts = {k["code"]: (k["target_value"], k["verdict"]) for k in stored.kpi_results}
    # the province's 65 % / 40 % / 95 % would have said the opposite on each of these
    assert verdicts["III.14"] == (85.0, "chua_dat")
    assert verdicts["III.13"] == (20.0, "dat")
    assert verdicts["III.4"] == (100.0, "chua_dat")


def _report(
    session: Session,
    plan_id: int,
    u: Unit,
    submitted: datetime | None,
    kpis: list[dict],
    statuses: list[dict],
) -> None:
    session.add(
        Report(
            plan_id=plan_id,
            unit_id=u.id,
            round_key="q1",
            due_date=date(2026, 3, 5),
            status=ReportStatus.APPROVED if submitted else ReportStatus.DRAFT,
            kpi_results=kpis,
            task_statuses=statuses,
            submitted_at=submitted,
            late=bool(submitted and submitted.date() > date(2026, 3, 5)),
            updated_at=clock.now(),
        )
    )


def test_province_report_matches_a_hand_computed_fixture(session: Session, world) -> None:
    plan, _ = world
    on_time = datetime(2026, 3, 4, 3, 0, tzinfo=timezone.utc)
    late = datetime(2026, 3, 9, 3, 0, tzinfo=timezone.utc)
    finance, justice, to_hieu = (
        unit(session, c) for c in ("so-tai-chinh", "so-tu-phap", "to-hieu")
    )
    dept_status = [{"code": "I.1", "status": "done"}, {"code": "II.1", "status": "in_progress"}]
    _report(
        session,
        plan.id,
        finance,
        on_time,
        [
            {"code": "II.2", "actual_value": 100.0, "verdict": "dat"},
            {"code": "III.4", "actual_value": 96.0, "verdict": "dat"},
        ],
        dept_status,
    )
    _report(
        session,
        plan.id,
        justice,
        late,
        [{"code": "II.2", "actual_value": 80.0, "verdict": "chua_dat"}],
        [{"code": "I.1", "status": "in_progress"}, {"code": "II.1", "status": "not_started"}],
    )
    _report(
        session,
        plan.id,
        to_hieu,
        on_time,
        [{"code": "II.2", "actual_value": 90.0, "verdict": "chua_dat"}],
        [{"code": "I.1", "status": "done"}],
    )
    _report(
        session,
        plan.id,
        unit(session, "muong-la"),
        None,
        [{"code": "II.2", "actual_value": 10.0, "verdict": "chua_dat"}],
        [],
    )
    session.flush()
    clock.set_now(at(date(2026, 3, 13), 9))
    result = aggregation.compute(session, plan, "q1")
    who = result["who"]
    assert who["groups"]["on_time"] == {
        "department": ["Sở Tài chính"],
        "commune": ["Phường Tô Hiệu"],
    }
    assert who["groups"]["late"] == {"department": ["Sở Tư pháp"], "commune": []}
    assert who["counts"] == {"on_time": 2, "late": 1, "missing": 87}
    assert "Xã Mường La" in who["groups"]["missing"]["commune"]
    kpis = {k["code"]: k for k in result["kpis"]}
    assert {
        k: kpis["II.2"][k] for k in ("units_reporting", "units_met", "min", "median", "max")
    } == {"units_reporting": 3, "units_met": 1, "min": 80.0, "median": 90.0, "max": 100.0}
    assert (kpis["III.4"]["units_reporting"], kpis["III.4"]["median"]) == (1, 96.0)
    assert kpis["I.1"]["units_reporting"] == 0 and kpis["I.1"]["median"] is None
    rows = {(t["kind"], t["code"]): t for t in result["tasks"]}
    assert {k: rows[("department", "I.1")][k] for k in ("done", "in_progress", "not_started")} == {
        "done": 1,
        "in_progress": 1,
        "not_started": 0,
    }
    assert rows[("department", "II.1")]["not_started"] == 1
    assert rows[("commune", "I.1")]["done"] == 1
