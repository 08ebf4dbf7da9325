"""The process instance page: who sees it, the header, the history in Vietnamese, and the diagram
JSON the page fetches (BPMN XML, completed and current steps) — on the year played to 08/03."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine.domain.status import StageStatus
from engine.queries import supervision
from models import ProcessInstance
from tests.web.conftest import text, unit_id
from tests.web.year_state import year_db, year_plan  # noqa: F401  (fixtures)


@pytest.fixture
def db_engine(year_db: Engine) -> Iterator[Engine]:  # noqa: F811
    """Every test of this module starts on the played year."""
    yield year_db


@pytest.fixture
def web_data() -> None:
    """The played year is already in the database."""
    return None


def instance_of(session: Session, unit_code: str, process_key: str, round_key: str = "") -> int:
    """Return the id of a unit's instance of a process (and round)."""
    return session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.unit_id == unit_id(session, unit_code),
        ProcessInstance.process_key == process_key, ProcessInstance.round_key == round_key)).one()


ACCESS = [("muong-la.staff", 200), ("muong-la.leader", 200), ("skhcn.staff", 200),
          ("ubnd.leader", 200), ("inspector", 200), ("admin", 200),
          ("to-hieu.staff", 404), ("so-tai-chinh.leader", 404)]


@pytest.mark.parametrize(("username", "status"), ACCESS)
def test_instance_page_and_diagram_access(signed_in: Callable[[str], FlaskClient],
                                          session: Session, username: str, status: int) -> None:
    instance = instance_of(session, "muong-la", "unit_plan")
    user = signed_in(username)
    assert user.get(f"/instances/{instance}").status_code == status
    diagram = user.get(f"/instances/{instance}/diagram")
    assert diagram.status_code == status
    if status == 404:
        assert "Xã Mường La" not in text(user.get(f"/instances/{instance}"))


def test_unknown_instance_and_anonymous(signed_in: Callable[[str], FlaskClient],
                                        client: FlaskClient) -> None:
    assert signed_in("skhcn.staff").get("/instances/999999").status_code == 404
    assert signed_in("skhcn.staff").get("/instances/999999/diagram").status_code == 404
    assert client.get("/instances/1").status_code == 302
    assert client.get("/instances/1/diagram").status_code == 302


def test_a_running_overdue_report_shows_its_current_step(
        signed_in: Callable[[str], FlaskClient], session: Session) -> None:
    matrix = supervision.build(session, year_plan(session))
    row = next(r for r in matrix.rows if r.cells["q1"].status == StageStatus.OVERDUE)
    instance = row.cells["q1"].instance_id
    html = text(signed_in("skhcn.staff").get(f"/instances/{instance}"))
    assert "Báo cáo quý — Quý I" in html and row.name in html
    assert "Đang thực hiện" in html and "Hạn: 05/03/2026" in html
    assert 'id="current-steps"' in html and "Lập báo cáo quý" in html
    assert "Chuyên viên đơn vị" in html
    assert "bpmn-navigated-viewer.production.min.js" in html
    assert f'data-source="/instances/{instance}/diagram"' in html
    assert "Khởi tạo quy trình" in html and "Nhắc việc" in html
    assert re.search(r"\d\d/\d\d/2026 \d\d:\d\d", html)
    body = signed_in("skhcn.staff").get(f"/instances/{instance}/diagram").get_json()
    assert "bpmn:definitions" in body["xml"] and 'id="fill_report"' in body["xml"]
    assert body["ready"] == ["fill_report"] and body["completed"] == {}
    assert body["signals"].get("reminder_before", 0) >= 1


def test_a_finished_adoption_shows_who_did_each_step(
        signed_in: Callable[[str], FlaskClient], session: Session) -> None:
    instance = instance_of(session, "muong-la", "unit_plan")
    html = text(signed_in("muong-la.leader").get(f"/instances/{instance}"))
    assert "Kế hoạch của đơn vị — Xây dựng kế hoạch" in html and "Đã kết thúc" in html
    assert 'id="current-steps"' not in html
    assert "Hoàn thành bước «Xây dựng kế hoạch của đơn vị»" in html
    assert "Chuyên viên Xã Mường La" in html and "Lãnh đạo Xã Mường La" in html
    assert "Ý kiến: tiếp nhận" in html and "Quy trình kết thúc" in html
    body = signed_in("muong-la.leader").get(f"/instances/{instance}/diagram").get_json()
    assert set(body["completed"]) == {"adapt_plan", "leader_approve", "dost_review"}
    assert body["completed"]["adapt_plan"] == html.count(
        "Hoàn thành bước «Xây dựng kế hoạch của đơn vị»")
    assert body["ready"] == []


def test_an_escalated_adoption_says_it_was_reported_to_the_province(
        signed_in: Callable[[str], FlaskClient], session: Session) -> None:
    escalated = session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == "unit_plan",
        ProcessInstance.escalated_at.is_not(None))).first()
    assert escalated is not None
    html = text(signed_in("ubnd.leader").get(f"/instances/{escalated.id}"))
    assert "Báo cáo UBND tỉnh" in html and "Đã báo cáo cấp trên ngày" in html
    body = signed_in("ubnd.leader").get(f"/instances/{escalated.id}/diagram").get_json()
    assert body["signals"]["escalation"] == 1
