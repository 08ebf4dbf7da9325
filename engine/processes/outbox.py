"""Writing a notification: the in-app notice, and in the same transaction one queued mail per
reader who has an address (`mail_outbox`, delivered by `mail_delivery`).

`notify` is the only place a `Notification` is created, so every kind — today's reminders and
escalations, tomorrow's returns, decisions and approvals — reaches the mailboxes. The readers
are those who may act as the notice's role in its unit today (`permissions.holders`: holders,
province-wide roles, substitutes). A reminder-like notice (`mail_texts.may_wait_for_digest`)
to a user who chose the digest waits for 07:30 of the next working day.

Rows are written whether or not an SMTP server is configured (the writer, e.g. the web
process, need not know): the delivering `tick` marks them skipped when none is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import audit, calendars, clock, permissions
from engine.core.errors import FieldErrors
from engine.core.mail_texts import (
    NOTICES_PATH,
    instance_path,
    may_wait_for_digest,
    subject_for,
    task_path,
)
from engine.core.workcalendar import BUSINESS_TZ, WorkCalendar
from models import (
    HumanTask,
    HumanTaskStatus,
    MailMode,
    MailOutbox,
    Notification,
    ProcessInstance,
    Unit,
    User,
)

DIGEST_TIME = time(7, 30)


def notify(
    session: Session,
    *,
    unit_id: int,
    role: str,
    kind: str,
    message: str,
    instance: ProcessInstance | None = None,
) -> Notification:
    """Write a notice to the holders of `role` in `unit_id` and queue its mails (not sent yet:
    the caller's transaction commits both or neither)."""
    notice = Notification(
        instance_id=instance.id if instance is not None else None,
        unit_id=unit_id,
        recipient_role=role,
        kind=kind,
        message=message,
        created_at=clock.now(),
    )
    session.add(notice)
    session.flush()
    enqueue(session, notice, instance)
    return notice


def enqueue(
    session: Session, notice: Notification, instance: ProcessInstance | None = None
) -> list[MailOutbox]:
    """Queue one mail of `notice` to each of its readers who has an e-mail address."""
    moment = notice.created_at
    today = moment.astimezone(BUSINESS_TZ).date()
    readers = [
        u for u in permissions.holders(session, notice.recipient_role, notice.unit_id, today)
        if u.email
    ]
    if not readers:
        return []
    subject = _subject(session, notice, instance)
    link = _link(session, notice, instance)
    digest_day = None
    if may_wait_for_digest(notice.kind) and any(u.mail_mode == MailMode.DIGEST for u in readers):
        digest_day = _digest_day(session, moment)
    rows = []
    for user in readers:
        waits = digest_day is not None and user.mail_mode == MailMode.DIGEST
        at = digest_moment(digest_day) if waits and digest_day else moment
        rows.append(
            MailOutbox(
                notification_id=notice.id,
                user_id=user.id,
                address=user.email,
                kind=notice.kind,
                subject=subject,
                body=notice.message,
                link=link,
                digest_day=digest_day if waits else None,
                created_at=moment,
                scheduled_at=at,
                next_attempt_at=at,
            )
        )
    session.add_all(rows)
    return rows


def digest_moment(day: date) -> datetime:
    """Return 07:30 of `day` in Asia/Ho_Chi_Minh, when that day's digest goes out."""
    return datetime.combine(day, DIGEST_TIME, tzinfo=BUSINESS_TZ)


def digest_day_after(calendar: WorkCalendar, moment: datetime) -> date:
    """Return the working day whose 07:30 digest carries a notice written at `moment`: today
    before 07:30 on a working day, else the next working day."""
    local = moment.astimezone(BUSINESS_TZ)
    day = local.date() if local.time() < DIGEST_TIME else local.date() + timedelta(days=1)
    return calendar.next_working_day(day)


def _digest_day(session: Session, moment: datetime) -> date:
    return digest_day_after(calendars.load(session), moment)


def _subject(session: Session, notice: Notification, instance: ProcessInstance | None) -> str:
    unit = session.get_one(Unit, instance.unit_id if instance is not None else notice.unit_id)
    if instance is None:
        return subject_for(notice.kind, unit.name, None)
    return subject_for(notice.kind, unit.name, instance.process_key, instance.round_key)


def _link(session: Session, notice: Notification, instance: ProcessInstance | None) -> str:
    """Return the page a reader opens: the ready task of their role, else the instance, when
    the notice's role may see that unit; else their notices."""
    role = notice.recipient_role
    grant = permissions.Grant(
        role, None if permissions.acts_province_wide(role) else notice.unit_id
    )
    reader = permissions.Actor(user_id=0, unit_id=notice.unit_id, grants=(grant,))
    if instance is None or not permissions.can_see_unit(reader, instance.unit_id):
        return NOTICES_PATH
    task_id = session.scalar(
        select(HumanTask.id)
        .where(
            HumanTask.instance_id == instance.id,
            HumanTask.status == HumanTaskStatus.READY,
            HumanTask.role == role,
        )
        .order_by(HumanTask.id)
        .limit(1)
    )
    return task_path(task_id) if task_id is not None else instance_path(instance.id)


def set_mail_mode(session: Session, user_id: int, mode: str) -> MailMode:
    """Record how `user_id` wants reminders by mail: at once, or in the 07:30 digest."""
    try:
        chosen = MailMode(mode)
    except ValueError:
        raise FieldErrors({"mail_mode": "Cách nhận thư không hợp lệ"}) from None
    user = session.get_one(User, user_id)
    if user.mail_mode != chosen:
        user.mail_mode = chosen
        audit.record(session, "user.mail_mode", actor_id=user_id, mode=chosen.value)
    return chosen
