"""The demo's data reads like a real province's: figures around each KPI's own target, varied
texts, a number per document, processes deployed when the demo year starts."""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.db import make_session_factory
from engine.demo import install as demo
from engine.demo import texts
from engine.demo.actuals import Goal, draw, read_baseline
from engine.demo.numbering import office_document, unit_document
from engine.demo.seed_data import read_json
from engine.demo.simulation import simulate
from models import AuditEvent, Inspection, PlanKpi, ProcessDefinition, Report, Unit, UnitPlan
from tests.conftest import Templates

SEED = 7
UNITS = [u["code"] for key in ("departments", "communes") for u in read_json("units.json")[key]]
SHIPPED = [k for k in read_json("plan_2026.json")["kpis"] if k["measurable"]]
PLACEHOLDER = re.compile(r"\{\w*\}")


def goal_of(row: dict) -> Goal:  # type: ignore[type-arg]
    return Goal(row["code"], row["target_value"], row["comparator"], row["target_unit"],
                read_baseline(row["baseline_text"]))


def year_of(goal: Goal, seed: int = SEED) -> dict[str, list[float]]:
    """Return each unit's four quarterly figures for `goal`, as the scripted units report."""
    result = {}
    for code in UNITS:
        previous, figures = None, []
        for index in range(4):
            previous = draw(goal, seed=seed, unit_code=code, round_index=index, rounds=4,
                            previous=previous)
            figures.append(previous)
        result[code] = figures
    return result


# 1. Figures around each KPI's own target and unit ------------------------------------------

def test_the_2025_result_is_read_from_the_annex_as_written() -> None:
    assert read_baseline("12,1% (dự kiến đến 31/12/2025 đạt 16%)") == 16
    assert read_baseline("100%; 97,4%") == 100
    assert read_baseline("≥ 94%") == 94
    assert read_baseline("-") is None and read_baseline(None) is None


@pytest.mark.parametrize("row", SHIPPED, ids=lambda row: row["code"])
def test_percentages_start_near_2025_and_end_the_year_near_their_target(row: dict) -> None:  # type: ignore[type-arg]
    goal = goal_of(row)
    figures = year_of(goal)
    q1 = statistics.median(f[0] for f in figures.values())
    q4 = statistics.median(f[3] for f in figures.values())
    assert goal.target * 0.95 <= q4 <= min(100.0, goal.target * 1.06), (goal.code, q4)
    assert q1 <= q4
    if goal.baseline is not None and goal.baseline < goal.target:
        assert q1 < goal.target and abs(q1 - goal.baseline) < abs(q1 - goal.target)
    assert all(0 <= v <= 100 for f in figures.values() for v in f)
    assert all(f == sorted(f) for f in figures.values())  # a share never falls back
    reached = sum(f[3] >= goal.target * 0.97 for f in figures.values())
    assert reached >= 0.6 * len(UNITS)  # most reach or nearly reach the target
    way = goal.target - (goal.baseline if goal.baseline is not None else 0.675 * goal.target)
    if way > 0:  # and a few stay behind, short of nine tenths of the way
        behind = sum(f[3] < goal.target - 0.1 * way for f in figures.values())
        assert 1 <= behind <= 0.3 * len(UNITS)


def test_the_digital_economy_and_the_budget_share_look_like_their_targets() -> None:
    rows = {row["code"]: row for row in SHIPPED}
    grdp = [f[3] for f in year_of(goal_of(rows["III.16"])).values()]
    budget = [f[3] for f in year_of(goal_of(rows["II.1"])).values()]
    assert 7 < min(grdp) and max(grdp) < 11  # 9 % of GRDP, never ~66 %
    assert 0.8 < min(budget) and max(budget) < 1.3  # at least 1 % of the budget, never ~73 %


def test_counts_are_whole_numbers_and_may_exceed_a_hundred() -> None:
    goal = Goal("X.1", 240, ">=", "hồ sơ", 150)
    figures = year_of(goal)
    assert all(float(v).is_integer() for f in figures.values() for v in f)
    assert statistics.median(f[3] for f in figures.values()) > 200


def test_the_same_seed_draws_the_same_figures_and_another_seed_others() -> None:
    goal = goal_of(SHIPPED[0])
    assert year_of(goal, 7) == year_of(goal, 7)
    assert year_of(goal, 7) != year_of(goal, 8)


# 2. Varied texts ---------------------------------------------------------------------------

def test_the_phrase_banks_fill_every_placeholder() -> None:
    facts = texts.UnitFacts("xã Mường La", "commune", 2026, done=18, total=24, late=1, kpis=29,
                            shortfalls=(texts.Shortfall("III.5", "Tỷ lệ DVC", "92,4%", "≥ 100%"),))
    written = [
        texts.difficulties(SEED, "a/q1", "commune", 2026, facts.shortfalls),
        texts.proposals(SEED, "a/q1", "department", 2026),
        texts.findings(SEED, "a", facts), texts.recommendations(SEED, "a", 2026),
        texts.conclusion(SEED, "a", facts, True), texts.conclusion(SEED, "a", facts, False),
        texts.remediation(SEED, "a", 2026),
        *texts.aggregation_summary(SEED, "q1", {"cutoff": "06/03/2026", "units": 90,
                                                "submitted": 88, "late": 9, "round": "báo cáo"}),
    ]
    assert all(text and not PLACEHOLDER.search(text) for text in written)
    assert "xã Mường La" in texts.conclusion(SEED, "a", facts, True)


def test_conclusions_and_difficulties_differ_from_unit_to_unit() -> None:
    """Even with the same figures and name, each unit gets its own combination of phrases."""
    facts = texts.UnitFacts("xã Mẫu", "commune", 2026, done=10, total=20, kpis=29)
    conclusions = {texts.conclusion(SEED, f"{code}/conclusion", facts, True) for code in UNITS}
    findings = {texts.findings(SEED, f"{code}/inspection", facts) for code in UNITS}
    difficulties = {texts.difficulties(SEED, f"{code}/q2", "commune", 2026) for code in UNITS}
    assert len(conclusions) >= 20 and len(findings) >= 20 and len(difficulties) >= 30


def test_a_conclusion_never_contradicts_the_units_figures() -> None:
    on_time = texts.UnitFacts("xã Mẫu", "commune", 2026, done=24, total=24, late=0, kpis=29)
    late = texts.UnitFacts("xã Mẫu", "commune", 2026, done=9, total=24, late=2, kpis=29,
                           shortfalls=(texts.Shortfall("I.1", "Tỷ lệ phủ sóng 5G", "30%",
                                                       "≥ 44,65%"),))
    for code in UNITS:
        praised = texts.conclusion(SEED, code, on_time, False)
        assert "chưa thực hiện nghiêm chế độ báo cáo" not in praised
        assert " 0 " not in praised and "0/" not in praised  # nothing counts zero
        warned = texts.conclusion(SEED, code, late, True)
        assert "thực hiện nghiêm chế độ báo cáo, các nhiệm vụ" not in warned


# A year played by 20 units, shared by the tests below -------------------------------------

def play_year(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        simulate(session, units=20, late_fraction=0.2, seed=SEED)


@pytest.fixture
def year(templates: Templates, tmp_path: Path) -> Iterator[Session]:
    templates.register("realism-year", play_year)
    engine = templates.fresh("realism-year", tmp_path)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def quarterly(session: Session) -> list[tuple[Report, Unit]]:
    rows = session.execute(select(Report, Unit).join(Unit, Unit.id == Report.unit_id).where(
        Report.round_key.in_(["q1", "q2", "q3", "q4"]), Unit.kind != "internal"))
    return [(r, u) for r, u in rows]


def test_a_played_year_reports_each_kpi_near_its_own_target(year: Session) -> None:
    kpis = {k.code: k for k in year.scalars(select(PlanKpi))}
    by_round: dict[tuple[str, str], list[float]] = defaultdict(list)
    for report, _unit in quarterly(year):
        for row in report.kpi_results:
            by_round[(report.round_key, row["code"])].append(row["actual_value"])
    for code, kpi in kpis.items():
        if kpi.target_value is None:
            continue
        q4 = statistics.median(by_round[("q4", code)])
        assert kpi.target_value * 0.9 <= q4 <= min(100, kpi.target_value * 1.1), (code, q4)
        assert statistics.median(by_round[("q1", code)]) <= q4


def test_a_played_year_writes_varied_texts(year: Session) -> None:
    reports = [r for r, _u in quarterly(year)]
    notes = {r.notes for r in reports}
    assert len(notes) >= 0.8 * len(reports) and "" not in notes
    assert len({r.proposals for r in reports}) >= 10
    descriptions = {t["description"] for r in reports for t in r.task_statuses}
    assert len(descriptions) >= 10
    remarks = {k["actual_text"] for r in reports for k in r.kpi_results}
    assert any(t.startswith("Tăng ") and "so với quý" in t for t in remarks)
    inspections = list(year.scalars(select(Inspection)))
    assert inspections and all(i.conclusion for i in inspections)
    assert len({i.conclusion for i in inspections}) == len(inspections)
    assert "Kết luận kiểm tra." not in {i.conclusion for i in inspections}
    assert all(i.findings and "nhiệm vụ" in i.findings for i in inspections)


# 3. Distinct document numbers ----------------------------------------------------------------

def test_every_report_of_a_unit_has_its_own_rising_number(year: Session) -> None:
    numbers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for report, unit in quarterly(year):
        assert report.report_number and re.fullmatch(r"\d{2,}/BC-[A-ZĐ]+", report.report_number)
        numbers[unit.code].append((report.round_key, report.report_number))
    for code, rows in numbers.items():
        ordered = [int(n.split("/")[0]) for _r, n in sorted(rows)]
        assert ordered == sorted(ordered) and len(set(ordered)) == len(ordered), code
    assert len({n for rows in numbers.values() for _r, n in rows}) > len(numbers)
    communes = [n for code, rows in numbers.items() for _r, n in rows if not code.startswith("so-")]
    assert any(n.endswith("/BC-UBND") for n in communes)
    plans = {p.plan_number for p in year.scalars(select(UnitPlan))}
    assert all(n and "/KH-" in n for n in plans) and len(plans) > 1
    conclusions = [i.conclusion_number for i in year.scalars(select(Inspection))]
    assert len(set(conclusions)) == len(conclusions)


def test_numbers_follow_the_unit_symbol_and_rise_through_the_year() -> None:
    commune = Unit(code="muong-la", name="Xã Mường La", kind="commune")
    department = Unit(code="so-tai-chinh", name="Sở Tài chính", kind="department")
    march, june = datetime(2026, 3, 2).date(), datetime(2026, 6, 1).date()
    assert unit_document(SEED, commune, "BC", march).endswith("/BC-UBND")
    assert unit_document(SEED, department, "KH", march).endswith("/KH-STC")
    first = int(unit_document(SEED, commune, "BC", march).split("/")[0])
    assert int(unit_document(SEED, commune, "BC", june).split("/")[0]) > first
    same_day = {office_document(SEED, "TB-ĐKT", june, later=n) for n in range(3)}
    assert len(same_day) == 3


# 4. Dated on the demo's clock ----------------------------------------------------------------

FIRST_MORNING = datetime(2026, 1, 2, 8, 0, tzinfo=clock.BUSINESS_TZ)  # 01/01 is a holiday


def test_a_played_year_deploys_its_processes_on_its_first_working_morning(year: Session) -> None:
    stamps = set(year.scalars(select(ProcessDefinition.created_at).where(
        ProcessDefinition.version == 1)))
    assert stamps == {FIRST_MORNING}
    deployed = set(year.scalars(select(AuditEvent.at).where(
        AuditEvent.action == "definition.deployed")))
    assert deployed == {FIRST_MORNING}


def test_the_demo_on_7_january_is_dated_by_its_own_clock(session: Session) -> None:
    clock.set_now("2026-01-07T09:00")
    demo.load(session)
    now = clock.now()
    stamps = [*session.scalars(select(ProcessDefinition.created_at)),
              *session.scalars(select(AuditEvent.at).where(AuditEvent.action != "demo.progress"))]
    assert min(stamps) == FIRST_MORNING and max(stamps) <= now
    versions = dict(session.execute(select(ProcessDefinition.process_key,
                                           func.max(ProcessDefinition.version)).group_by(
        ProcessDefinition.process_key)).all())
    assert set(versions.values()) == {1}


def test_init_demo_from_the_command_line_dates_version_1_in_the_demo_year(tmp_path: Path) -> None:
    """Wall time is far from the demo's: `init --demo` leaves the deploying to the demo."""
    db = tmp_path / "demo.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PLANCASCADE_NOW": "2026-01-05T10:00"}
    done = subprocess.run([sys.executable, "-m", "engine.cli", "init", "--demo"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["played_until"].startswith("2026-01-05")
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        stamps = set(session.scalars(select(ProcessDefinition.created_at)))
    engine.dispose()
    assert stamps == {FIRST_MORNING}
