"""engine.domain.regimes and regime_settings: a plan's regimes give its rounds and deadlines."""

from __future__ import annotations

from datetime import date

import pytest

from engine.core.errors import ConflictError, FieldErrors
from engine.core.workcalendar import WorkCalendar
from engine.domain import regime_settings, regimes
from models import Plan, PlanStatus


def plan(**settings: object) -> Plan:
    return Plan(
        id=1,
        year=2027,
        title="Kế hoạch 2027",
        status=PlanStatus.DRAFT,
        adoption_due_date=date(2027, 1, 11),
        reminder_days_before=2,
        grace_days=5,
        target_kinds=["department", "commune"],
        settings=dict(settings),
    )


def test_a_plan_without_regimes_reports_quarterly_before_the_5th() -> None:
    rounds = regimes.report_rounds(plan())
    assert [(r.key, r.label, r.due) for r in rounds] == [
        ("q1", "Quý I", date(2027, 3, 5)),
        ("q2", "Quý II", date(2027, 6, 5)),
        ("q3", "Quý III", date(2027, 9, 5)),
        ("q4", "Quý IV", date(2027, 12, 5)),
    ]
    legacy = plan(quarterly_due=["2027-03-04", "2027-06-04", "2027-09-06", "2027-12-06"])
    assert regimes.report_rounds(legacy)[2].due == date(2027, 9, 6)


def test_every_frequency_opens_its_rounds_in_deadline_order() -> None:
    chosen = plan()
    chosen.settings = {
        "regimes": regimes.with_frequencies(chosen, ["monthly", "six_month", "annual", "quarterly"])
    }
    rounds = regimes.report_rounds(chosen)
    assert len(rounds) == 4 + 2 + 1 + 12
    assert [r.key for r in rounds][:5] == ["m1", "m2", "q1", "m3", "m4"]
    assert regimes.find_round(chosen, "y1").due == date(2027, 12, 15)
    assert regimes.previous_round(chosen, "h2").key == "h1"
    assert regimes.previous_round(chosen, "q1") is None
    assert regimes.find_round(chosen, "x9") is None


def test_a_regimes_own_reminder_and_grace_days_set_the_report_timers() -> None:
    chosen = plan()
    data = regimes.PRESETS["quarterly"].as_data()
    chosen.settings = {"regimes": [{**data, "reminder_days_before": 0, "grace_days": 1}]}
    found = regimes.find_round(chosen, "q1")
    assert found is not None
    assert regimes.reminder_days(chosen, found.regime) == 0
    assert regimes.grace_days(chosen, found.regime) == 1
    assert regimes.grace_days(plan(), regimes.PRESETS["quarterly"]) == 5


def test_settings_are_checked_field_by_field_and_only_on_a_draft(session) -> None:  # type: ignore[no-untyped-def]
    draft = plan()
    with pytest.raises(FieldErrors) as nothing:
        regime_settings.set_regimes(session, draft, {}, None)
    assert nothing.value.errors == {
        "regimes": "Chọn ít nhất một chế độ báo cáo định kỳ của các đơn vị"
    }
    entry = {
        "applies": True,
        "name": "Báo cáo năm",
        "due_day": "١٥",
        "open_days": "14",
        "reporters": ["commune"],
    }
    with pytest.raises(FieldErrors) as digits:
        regime_settings.set_regimes(session, draft, {"annual": entry}, None)
    assert digits.value.errors == {"annual.due_day": "Nhập một số từ 1 đến 28"}
    draft.status = PlanStatus.ISSUED
    with pytest.raises(ConflictError):
        regime_settings.set_regimes(session, draft, {"annual": {**entry, "due_day": "15"}}, None)


def test_a_rounds_window_follows_its_regimes_grace_days(session) -> None:  # type: ignore[no-untyped-def]
    chosen = plan()
    chosen.settings = {"regimes": [{**regimes.PRESETS["six_month"].as_data(), "grace_days": 0}]}
    window = regimes.find_round(chosen, "h1")
    assert window is not None and window.due == date(2027, 6, 5)
    from engine.domain import rounds

    times = rounds.round_window(chosen, "h1", WorkCalendar())
    assert times["open_at"].startswith("2027-05-22") and times["close_at"].startswith("2027-06-07")


def test_a_regimes_reporters_choose_who_reports_and_who_has_a_column_cell(
    session,
    world,  # type: ignore[no-untyped-def]
) -> None:
    from sqlalchemy import func, select

    from engine.core import clock
    from engine.processes import effects, timers
    from engine.queries import supervision
    from models import ProcessInstance, Unit, UnitKind

    issued, _ = world
    six_month = {**regimes.PRESETS["six_month"].as_data(), "reporters": ["commune"]}
    issued.settings = {**issued.settings, "regimes": [*issued.settings["regimes"], six_month]}
    effects.open_rounds(session, issued)  # what the province process does at issue
    clock.set_now("2026-05-25T09:00+07:00")
    timers.tick(session)
    started = session.scalars(
        select(Unit.kind)
        .join(ProcessInstance, ProcessInstance.unit_id == Unit.id)
        .where(ProcessInstance.process_key == "quarterly_report", ProcessInstance.round_key == "h1")
    ).all()
    assert len(started) == 75 and set(started) == {UnitKind.COMMUNE}
    assert (
        session.scalar(
            select(func.count(ProcessInstance.id)).where(
                ProcessInstance.process_key == "quarterly_report", ProcessInstance.round_key == "q2"
            )
        )
        == 90
    )
    rows = {r.kind: r for r in supervision.build(session, issued).rows}
    assert rows["department"].cells["h1"].label == "—"
    assert rows["commune"].cells["h1"].status == "in_progress"


def test_internal_regimes_have_their_own_rounds_and_labels() -> None:
    chosen = plan()
    chosen.settings = {
        "regimes": regimes.with_frequencies(chosen, ["quarterly", "internal_quarterly"])
    }
    keys = [r.key for r in regimes.report_rounds(chosen)]
    assert keys == ["iq1", "q1", "iq2", "q2", "iq3", "q3", "iq4", "q4"]
    found = regimes.find_round(chosen, "iq2")
    assert found is not None and found.regime.internal and found.due == date(2027, 6, 2)
    assert found.label == "Quý II (phòng, ban)"
    assert regimes.departments_round(chosen, "q2") == "iq2"
    assert regimes.departments_round(plan(), "q2") == "q2"
    from engine.domain import rounds

    assert rounds.internal_due(chosen, "q2") == date(2027, 6, 2)
    assert rounds.internal_due(plan(), "q2") == date(2027, 6, 2)


def test_internal_regimes_are_not_enough_on_their_own_and_keep_their_reporters(
    session,  # type: ignore[no-untyped-def]
) -> None:
    draft = plan()
    monthly = {**regimes.PRESETS["internal_monthly"].as_data(), "applies": True}
    monthly["due_day"], monthly["open_days"] = "25", "7"
    with pytest.raises(FieldErrors) as alone:
        regime_settings.set_regimes(session, draft, {"internal_monthly": monthly}, None)
    assert set(alone.value.errors) == {"regimes"}
    quarterly = {**regimes.PRESETS["quarterly"].as_data(), "applies": True}
    quarterly["due_day"], quarterly["open_days"] = "5", "14"
    chosen = regimes.regimes(draft)  # the default before
    stored = regime_settings.set_regimes(
        session,
        draft,
        {"internal_monthly": {**monthly, "reporters": ["commune"]}, "quarterly": quarterly},
        None,
    )
    assert [r.frequency for r in stored] == ["quarterly", "internal_monthly"]
    assert stored[1].reporters == ("internal",) and chosen[0].frequency == "quarterly"


def test_an_internal_regimes_rounds_reach_the_communes_departments_not_the_province(
    session,
    world,  # type: ignore[no-untyped-def]
) -> None:
    from sqlalchemy import select

    from engine.core import clock
    from engine.processes import effects, timers
    from engine.queries import supervision
    from models import ProcessInstance, Unit, UnitKind

    issued, _ = world
    monthly = regimes.PRESETS["internal_monthly"].as_data()
    issued.settings = {**issued.settings, "regimes": [*issued.settings["regimes"], monthly]}
    effects.open_rounds(session, issued)
    departments = session.scalars(select(Unit).where(Unit.kind == UnitKind.INTERNAL)).all()
    assert len(departments) == 6
    clock.set_now("2026-05-19T09:00+07:00")  # May's round opens seven days before the 25th
    timers.tick(session)  # (the rounds of January to April open late: the regime is new)
    internal = session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.process_key == "internal_report", ProcessInstance.round_key == "im5"
        )
    ).all()
    assert {i.unit_id for i in internal} == {d.id for d in departments}
    assert {i.due_date for i in internal} == {date(2026, 5, 25)}
    assert {i.parent_instance_id for i in internal} == {None}
    _department_reports_may(session, world[1], departments[0])
    clock.set_now("2026-06-03T09:00+07:00")  # q2 has opened; the round of May has closed
    timers.tick(session)
    rounds_opened = session.scalars(
        select(ProcessInstance.round_key).where(ProcessInstance.process_key == "internal_report")
    ).all()
    # a commune's q2 report no longer asks its departments inside the round
    assert set(rounds_opened) == {"im1", "im2", "im3", "im4", "im5"}
    assert session.scalars(
        select(ProcessInstance).where(ProcessInstance.process_key == "quarterly_report",
                                      ProcessInstance.round_key == "q2")
    ).first() is not None
    closed = session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.process_key == "reporting_round", ProcessInstance.round_key == "im5"
        )
    ).one()
    assert closed.status == "completed"
    assert session.scalars(
        select(ProcessInstance).where(ProcessInstance.process_key == "aggregation",
                                      ProcessInstance.round_key == "im5")
    ).first() is None
    assert not any(s.key.startswith("im") for s in supervision.stages(issued))


def _department_reports_may(session, cast, department) -> None:  # type: ignore[no-untyped-def]
    """One department sends its May report; its commune's unit page shows it by round."""
    from sqlalchemy import select

    from engine.demo.actors import act
    from engine.queries import unit_views
    from models import HumanTask, HumanTaskStatus, Plan

    task = session.scalars(
        select(HumanTask).where(
            HumanTask.unit_id == department.id,
            HumanTask.form_key == "internal_report_fill",
            HumanTask.status == HumanTaskStatus.READY,
        )
    ).first()
    assert task is not None and task.instance.round_key == "im1"  # the oldest first
    tasks = session.scalars(
        select(HumanTask).where(
            HumanTask.unit_id == department.id, HumanTask.status == HumanTaskStatus.READY
        )
    ).all()
    may = next(t for t in tasks if t.instance.round_key == "im5")
    act(session, cast, may, {"task_statuses": [], "notes": "Đã rà soát hồ sơ số hóa"})
    plan = session.scalars(select(Plan)).one()
    admin = cast.actor("dost_staff", None)
    page = unit_views.overview(session, admin, plan, department.parent.code)
    sent = [i for i in page.internal if i.submitted_at is not None]
    assert [(i.round_label, i.unit_name, i.notes) for i in sent] == [
        ("Tháng 5 (phòng, ban)", department.name, "Đã rà soát hồ sơ số hóa")
    ]
    assert not any(key.startswith("im") for key, _ in page.stage_heads)
