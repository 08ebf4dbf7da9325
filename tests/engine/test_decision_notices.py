"""Notices of decisions: a return for revision, an extension decided, a new task, an accepted
plan, an approved province report — each an in-app notice with its mails, sent at once."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.mail_texts import may_wait_for_digest
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.domain import extensions, notice_links
from engine.processes import decision_notices, notice_reads, timers
from models import HumanTask, MailMode, MailOutbox, Notification, Unit, User
from tests.scripted import instance_of

NEW_KINDS = ("returned", "extension_decided", "new_task", "accepted", "report_approved",
             "late_list", "extension_requested")


def unit(session: Session, code: str) -> Unit:
    return session.scalars(select(Unit).where(Unit.code == code)).one()


def task_of(session: Session, u: Unit | None, form_key: str) -> HumanTask:
    found = ready_tasks(session, unit_id=u.id if u else None, form_key=form_key)
    assert found, f"no ready {form_key}"
    return found[0]


def notices(session: Session, kind: str, unit_id: int | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    if unit_id is not None:
        query = query.where(Notification.unit_id == unit_id)
    return list(session.scalars(query))


def plan_reviews(session: Session) -> list[Notification]:
    """Return Sở KHCN staff's notices of unit plans waiting for their review."""
    return [n for n in notices(session, "new_task") if n.recipient_role == "dost_staff"
            and (n.bundle_key or "").startswith("new_task:unit_plan_review:")]


def mails_of(session: Session, notice: Notification) -> list[MailOutbox]:
    return list(session.scalars(select(MailOutbox).where(
        MailOutbox.notification_id == notice.id)))


def everyone_wants_the_digest(session: Session) -> None:
    for user in session.scalars(select(User)):
        user.mail_mode = MailMode.DIGEST


def send_plan(session: Session, cast, commune: Unit) -> None:  # type: ignore[no-untyped-def]
    from engine.demo.scripted_year import adaptation

    adapt = task_of(session, commune, "unit_plan_adapt")
    act(session, cast, adapt, adaptation(session, adapt.instance.plan_id, commune))
    act(session, cast, task_of(session, commune, "unit_plan_approve"),
        {"decision": "approve", "plan_number": "01/KH", "plan_date": clock.today().isoformat()})


def test_a_plan_returned_by_so_khcn_tells_the_unit_staff_with_the_comment(
    session: Session, world
) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    everyone_wants_the_digest(session)
    clock.set_now(at(date(2026, 1, 7), 9))
    send_plan(session, cast, commune)
    act(session, cast, task_of(session, commune, "unit_plan_review"),
        {"decision": "return", "comments": "Bổ sung chỉ tiêu về dịch vụ công trực tuyến"})
    # the staff who must fix it, and the leader who signed it
    told = notices(session, "returned", commune.id)
    assert sorted(n.recipient_role for n in told) == ["unit_leader", "unit_staff"]
    [notice] = [n for n in told if n.recipient_role == "unit_staff"]
    assert notice.message.startswith("Sở KHCN trả lại để chỉnh sửa: Kế hoạch chuyển đổi số")
    assert notice.message.endswith("Ý kiến: Bổ sung chỉ tiêu về dịch vụ công trực tuyến")
    # the return is told once, as a return — not also as a new task
    returned_at = notice.created_at
    assert [n for n in notices(session, "new_task", commune.id)
            if n.created_at >= returned_at and n.recipient_role == "unit_staff"] == []
    mails = mails_of(session, notice)
    assert mails and all(m.kind == "returned" and m.digest_day is None for m in mails)
    assert all(m.scheduled_at == notice.created_at for m in mails)  # immediate, not the digest


def test_a_plan_returned_by_the_unit_leader_tells_the_staff(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    from engine.demo.scripted_year import adaptation

    clock.set_now(at(date(2026, 1, 7), 9))
    adapt = task_of(session, commune, "unit_plan_adapt")
    act(session, cast, adapt, adaptation(session, adapt.instance.plan_id, commune))
    act(session, cast, task_of(session, commune, "unit_plan_approve"),
        {"decision": "return", "comments": "Sửa lại mục 3"})
    [notice] = notices(session, "returned", commune.id)
    assert notice.recipient_role == "unit_staff"
    assert notice.message.startswith("Lãnh đạo đơn vị trả lại để chỉnh sửa")
    assert "Sửa lại mục 3" in notice.message


def test_a_new_task_tells_its_role(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    # the issued plan's cascade gave every unit's staff its adoption task, each told once
    adoption = [n for n in notices(session, "new_task", commune.id)
                if n.recipient_role == "unit_staff"]
    assert len(adoption) == 1 and "hạn 10/01/2026" in adoption[0].message
    clock.set_now(at(date(2026, 1, 7), 9))
    send_plan(session, cast, commune)
    to_leader = [n for n in notices(session, "new_task", commune.id)
                 if n.recipient_role == "unit_leader"]
    assert len(to_leader) == 1
    assert to_leader[0].message.startswith("Việc mới cần xử lý: ")
    [review] = plan_reviews(session)
    assert commune.name in review.message
    assert mails_of(session, review), "Sở KHCN's staff is mailed too"


def test_an_accepted_plan_tells_the_unit_staff_and_leader(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    clock.set_now(at(date(2026, 1, 7), 9))
    send_plan(session, cast, commune)
    act(session, cast, task_of(session, commune, "unit_plan_review"), {"decision": "accept"})
    told = notices(session, "accepted", commune.id)
    assert sorted(n.recipient_role for n in told) == ["unit_leader", "unit_staff"]
    assert all(n.message.startswith("Sở KHCN đã tiếp nhận: Kế hoạch chuyển đổi số")
               for n in told)


def test_an_approved_extension_tells_the_unit_the_new_date(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    everyone_wants_the_digest(session)
    asked = extensions.request(session, cast.actor("unit_staff", commune.id), instance.id,
                               date(2026, 1, 20), "Chờ ý kiến Ban Chỉ đạo xã")
    decision_notices.decide_extension(session, cast.actor("dost_staff", None), asked.id, True,
                                      "Đồng ý")
    told = notices(session, "extension_decided", commune.id)
    assert sorted(n.recipient_role for n in told) == ["unit_leader", "unit_staff"]
    assert all("hạn mới 20/01/2026" in n.message for n in told)
    for notice in told:
        mails = mails_of(session, notice)
        assert mails and all(m.digest_day is None for m in mails)


def test_a_refused_extension_tells_the_unit_the_reason(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "to-hieu")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    asked = extensions.request(session, cast.actor("unit_leader", commune.id), instance.id,
                               date(2026, 1, 30), "Thiếu nhân lực")
    decision_notices.decide_extension(session, cast.actor("dost_leader", None), asked.id, False,
                                      "Không có cơ sở")
    told = notices(session, "extension_decided", commune.id)
    assert len(told) == 2
    assert all("không chấp thuận" in n.message and n.message.endswith("Lý do: Không có cơ sở")
               and "hạn vẫn là 10/01/2026" in n.message for n in told)


def test_an_approved_province_report_tells_ubnd_tinh_and_so_khcn(session: Session,
                                                                 world) -> None:
    _, cast = world
    clock.set_now(at(date(2026, 2, 19), 8, 1))
    timers.tick(session)
    clock.set_now(at(date(2026, 3, 13), 8, 1))
    timers.tick(session)
    act(session, cast, task_of(session, None, "aggregation_review"), {"summary": "Tổng hợp"})
    act(session, cast, task_of(session, None, "aggregation_approve"),
        {"decision": "return", "comments": "Bổ sung danh sách"})
    [returned] = [n for n in notices(session, "returned") if n.recipient_role == "dost_staff"]
    assert "Lãnh đạo Sở KHCN trả lại" in returned.message
    assert "Bổ sung danh sách" in returned.message
    act(session, cast, task_of(session, None, "aggregation_review"), {"summary": "Đã bổ sung"})
    assert notices(session, "report_approved") == []
    act(session, cast, task_of(session, None, "aggregation_approve"), {"decision": "approve"})
    approved = notices(session, "report_approved")
    assert sorted(n.recipient_role for n in approved) == ["dost_staff", "province_leader"]
    assert all(n.message == "Báo cáo quý I tổng hợp của tỉnh đã được lãnh đạo Sở KHCN phê duyệt."
               for n in approved)
    assert all(mails_of(session, n) for n in approved)


def test_decision_notices_never_wait_for_the_digest() -> None:
    assert not any(may_wait_for_digest(kind) for kind in NEW_KINDS)
    assert may_wait_for_digest("reminder_before") and may_wait_for_digest("due")


def test_so_khcn_gets_one_notice_per_day_for_the_reviews_of_a_stage(session: Session,
                                                                    world) -> None:
    _, cast = world
    communes = [unit(session, code) for code in ("to-hieu", "muong-la", "chieng-an")]
    clock.set_now(at(date(2026, 1, 7), 9))
    for commune in communes[:2]:
        send_plan(session, cast, commune)
    [bundle] = plan_reviews(session)
    assert bundle.message.startswith("2 việc mới cần xử lý: ")
    assert communes[0].name in bundle.message and communes[1].name in bundle.message
    assert bundle.bundle_units == sorted([communes[0].name, communes[1].name])
    assert bundle.instance_id is None  # several units: it leads to the task list
    assert len(mails_of(session, bundle)) == 1, "one mail per reader for the bundle"
    # once somebody read it, the next unit starts a new bundle (a read notice never changes)
    notice_reads.open_notice(session, cast.actor("dost_staff", None), bundle.id)
    clock.set_now(at(date(2026, 1, 7), 10))
    send_plan(session, cast, communes[2])
    session.refresh(bundle)
    assert bundle.message.startswith("2 việc mới")
    newest = plan_reviews(session)[-1]
    assert newest.id != bundle.id and newest.bundle_units == [communes[2].name]
    assert newest.message.startswith("Việc mới cần xử lý: ")


def test_a_late_list_tells_so_khcn_which_units_were_escalated(session: Session, world) -> None:
    _, cast = world
    adopted = unit(session, "to-hieu")
    clock.set_now(at(date(2026, 1, 7), 9))
    send_plan(session, cast, adopted)
    clock.set_now(at(date(2026, 1, 19), 8, 1))  # 10/01 + 5 working days have passed
    timers.tick(session)
    escalated = notices(session, "escalation")
    assert escalated and all(n.recipient_role == "province_leader" for n in escalated)
    late = notices(session, "late_list")
    assert sorted(n.recipient_role for n in late) == ["dost_leader", "dost_staff"]
    for notice in late:
        assert notice.message.startswith("Danh sách chậm gửi kế hoạch")
        assert f"{len(escalated)} đơn vị" in notice.message
        assert len(notice.bundle_units or []) == len(escalated)
        assert adopted.name not in (notice.bundle_units or [])  # it sent its plan in time
        assert notice_links.link(session, notice) == "/supervision/late"


def test_an_extension_request_tells_so_khcn_staff(session: Session, world) -> None:
    plan, cast = world
    commune = unit(session, "muong-la")
    instance = instance_of(session, "unit_plan", plan.id, commune.id)
    asked = extensions.request(session, cast.actor("unit_staff", commune.id), instance.id,
                               date(2026, 1, 20), "Chờ ý kiến Ban Chỉ đạo xã")
    decision_notices.announce_extension_request(session, asked)
    [notice] = notices(session, "extension_requested")
    assert notice.recipient_role == "dost_staff"
    assert notice.message == ("Đề nghị gia hạn: Kế hoạch chuyển đổi số của đơn vị – "
                              f"{commune.name}, "
                              "đến ngày 20/01/2026. Lý do: Chờ ý kiến Ban Chỉ đạo xã")
    assert notice_links.link(session, notice) == "/extensions"


def test_every_extension_decision_goes_through_the_notifying_path() -> None:
    # extensions.decide records the decision; only decision_notices.decide_extension may call
    # it (web, CLI, demo), so that the unit is always told
    root = Path(__file__).resolve().parents[2]
    callers = sorted(
        str(p.relative_to(root)) for folder in ("engine", "web") for p in (root / folder).rglob(
            "*.py") if "extensions.decide(" in p.read_text(encoding="utf-8"))
    assert callers == ["engine/processes/decision_notices.py"]
