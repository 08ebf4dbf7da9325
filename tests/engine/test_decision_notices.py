"""Notices of decisions: a return for revision, an extension decided, a new task, an accepted
plan, an approved province report — each an in-app notice with its mails, sent at once."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.mail_texts import may_wait_for_digest
from engine.demo.actors import act, ready_tasks
from engine.demo.bootstrap import at
from engine.domain import extensions
from engine.processes import decision_notices, timers
from models import HumanTask, MailMode, MailOutbox, Notification, Unit, User
from tests.scripted import instance_of

NEW_KINDS = ("returned", "extension_decided", "new_task", "accepted", "report_approved")


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
    [notice] = notices(session, "returned", commune.id)
    assert notice.recipient_role == "unit_staff"
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
    [review] = [n for n in notices(session, "new_task", commune.id)
                if n.recipient_role == "dost_staff"]
    assert commune.name in review.message
    assert mails_of(session, review), "Sở KHCN's staff is mailed too"


def test_an_accepted_plan_tells_the_unit_staff(session: Session, world) -> None:
    _, cast = world
    commune = unit(session, "to-hieu")
    clock.set_now(at(date(2026, 1, 7), 9))
    send_plan(session, cast, commune)
    act(session, cast, task_of(session, commune, "unit_plan_review"), {"decision": "accept"})
    [notice] = notices(session, "accepted", commune.id)
    assert notice.recipient_role == "unit_staff"
    assert notice.message.startswith("Sở KHCN đã tiếp nhận: Kế hoạch chuyển đổi số")


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
