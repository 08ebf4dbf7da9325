"""Writing a notification: the in-app notice, and in the same transaction one queued mail per
reader who has an address (`mail_outbox`, delivered by `mail_delivery`).

`notify` is the only place a `Notification` is created (`notify_bundled` adds a unit to an
unread bundle, e.g. Sở KHCN's new reviews of a day, rather than writing one per unit), so every
kind — reminders, escalations, returns, decisions and approvals — reaches the mailboxes. The readers
are those who may act as the notice's role in its unit today (`permissions.holders`: holders,
province-wide roles, substitutes). A reminder-like notice (`mail_texts.may_wait_for_digest`)
to a user who chose the digest waits for 07:30 of the next working day.

Rows are written whether or not an SMTP server is configured (the writer, e.g. the web
process, need not know): the delivering `tick` marks them skipped when none is.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from engine.core import audit, calendars, clock, permissions
from engine.core.errors import FieldErrors
from engine.core.mail_texts import may_wait_for_digest, subject_for
from engine.core.workcalendar import BUSINESS_TZ, WorkCalendar
from engine.domain import notice_links
from models import (
    MailMode,
    MailOutbox,
    MailStatus,
    Notification,
    NotificationRead,
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
    the caller's transaction commits both or neither). Both are written by the session's next
    flush, which gives the notice its id."""
    notice = Notification(
        instance_id=instance.id if instance is not None else None,
        unit_id=unit_id,
        recipient_role=role,
        kind=kind,
        message=message,
        created_at=clock.now(),
    )
    enqueue(session, notice, instance)  # its queries flush what came before, not the notice
    session.add(notice)  # written with its mails by the next flush
    return notice


def notify_bundled(
    session: Session,
    *,
    bundle_key: str,
    unit_id: int,
    role: str,
    kind: str,
    unit_name: str,
    render: Callable[[list[str]], str],
    instance: ProcessInstance | None = None,
) -> Notification:
    """Add `unit_name` to the unread notice of `bundle_key` for `role` (its text redrawn by
    `render` from the units' names, its queued mails with it), or start one with `notify`.
    A bundle somebody has read stays as it was read: the next unit starts a new one. Names
    are kept sorted, and a bundle of several units belongs to no instance, so that workers
    adding units in any order (concurrent ticks) leave the same notice.
    """
    _lock_bundle(session, bundle_key)
    current = session.scalars(
        select(Notification)
        .where(
            Notification.bundle_key == bundle_key,
            Notification.recipient_role == role,
            ~exists().where(NotificationRead.notification_id == Notification.id),
        )
        .order_by(Notification.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    if current is None:
        notice = notify(session, unit_id=unit_id, role=role, kind=kind,
                        message=render([unit_name]), instance=instance)
        notice.bundle_key, notice.bundle_units = bundle_key, [unit_name]
        return notice
    names = sorted({*(current.bundle_units or []), unit_name})
    current.bundle_units, current.message = names, render(names)
    current.created_at = clock.now()
    if len(names) > 1:
        current.instance_id = None
    link = notice_links.link(session, current)
    for mail in session.scalars(select(MailOutbox).where(
            MailOutbox.notification_id == current.id, MailOutbox.status == MailStatus.QUEUED)):
        mail.body, mail.link = current.message, link
    return current


def _lock_bundle(session: Session, bundle_key: str) -> None:
    """Hold, until the transaction ends, PostgreSQL's advisory lock of `bundle_key`: two
    workers starting the same bundle at once would each write one. (SQLite's write lock,
    taken before any bundle is touched, already serialises them.)"""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(zlib.crc32(bundle_key.encode()))))


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
    link = notice_links.link(session, notice, instance)
    digest_day = None
    if may_wait_for_digest(notice.kind) and any(u.mail_mode == MailMode.DIGEST for u in readers):
        digest_day = _digest_day(session, moment)
    rows = []
    for user in readers:
        waits = digest_day is not None and user.mail_mode == MailMode.DIGEST
        at = digest_moment(digest_day) if waits and digest_day else moment
        rows.append(
            MailOutbox(
                notification=notice,
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
