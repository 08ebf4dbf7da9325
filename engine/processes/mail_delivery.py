"""Delivering the mail outbox over SMTP: `deliver_due`, called by `tick` after the timers.

A row goes queued → sending → sent, or back to queued with a later `next_attempt_at`
(back-off: 1 min, 5 min, 30 min, 2 h, 12 h), or failed: refused for good by the server (a 5xx
reply to the recipient or the message) or out of attempts (`MAX_ATTEMPTS`); a failed row is
never tried again and its error stays for the administrators' page.

**Claiming.** A worker claims rows in a short transaction of its own — PostgreSQL: the due
rows `SELECT … FOR UPDATE SKIP LOCKED`; SQLite: under the database's write lock (BEGIN
IMMEDIATE) — by setting status `sending`, a fresh claim token and `claimed_at`, and commits
before it talks to the server. A second worker finds those rows no longer queued, so two
workers never send the same row. A user's digest rows are claimed together (on PostgreSQL
under a lock on the user's row), so a day's reminders go in one mail.

**The guarantee.** Each (notification, user) has one row (a unique key) and is handed to the
server at most once, except in one window: a worker killed (or its database lost) after the
server accepted a mail and before `sent` was committed. Its row stays `sending`; after the
lease (`LEASE`) another tick queues it again and it is sent a second time — with the same
Message-ID, which mail clients use to show it once. A worker never runs past half its lease:
it gives back the rows it has not begun, so a slow worker is never overtaken by a second one.

**No server configured** (`sender` None): the due rows are marked skipped — nothing is sent,
and nothing piles up to be sent when a server is set later. Rows that waited more than
`STALE_AFTER` without a single attempt (no tick ran) are skipped too rather than sent late.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from engine.core import db, mail_settings
from engine.core.mail_settings import MailSettings
from engine.core.mail_texts import MailItem, digest_message, single_message
from engine.core.mail_transport import MailSender, SendError, sender_for
from models import MailOutbox, MailStatus, User

log = logging.getLogger(__name__)
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(minutes=15)
STALE_AFTER = timedelta(days=3)
BATCH = 50
NOT_CONFIGURED = "Chưa cấu hình máy chủ thư (PLANCASCADE_SMTP_URL): không gửi"
STALE = "Quá 3 ngày chưa được gửi (không có tiến trình gửi thư): bỏ qua"
INTERRUPTED = "Tiến trình gửi thư dừng giữa chừng"


@dataclass(frozen=True)
class DeliveryResult:
    """What one delivery pass did: mails the server took (digests among them) and the rows
    they carried; rows put back for a retry, failed for good, skipped."""

    mails: int = 0
    digests: int = 0
    rows_sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0


@dataclass
class _Tally:
    mails: int = 0
    digests: int = 0
    rows_sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    def result(self) -> DeliveryResult:
        return DeliveryResult(**vars(self))


def deliver_due(
    session: Session, now: datetime, sender: MailSender | None, *, batch: int = BATCH
) -> DeliveryResult:
    """Send every mail due at `now` (immediate ones, and digests whose 07:30 has come), one
    committed transaction per claim and per mail, alongside any other worker. The caller's
    pending changes are committed first; `sender` None (no server) skips the due rows."""
    session.commit()
    tally = _Tally()
    tally.skipped += _skip(session, _due(now), NOT_CONFIGURED) if sender is None else 0
    tally.skipped += _skip(session, _stale(now), STALE)
    _recover_expired(session, now)
    if sender is None:
        return tally.result()
    stop_at = time.monotonic() + LEASE.total_seconds() / 2
    while time.monotonic() < stop_at and _any(session, _due(now)):
        token = uuid.uuid4().hex
        claimed = _claim_single(session, now, batch, token) + _claim_digests(
            session, now, batch, token
        )
        if not claimed:
            break
        jobs = _jobs(session, token)
        for index, rows in enumerate(jobs):
            if time.monotonic() >= stop_at:
                _release(session, token, [r.id for job in jobs[index:] for r in job])
                break
            _send(session, sender, token, rows, now, tally)
    return tally.result()


def deliver_configured(session: Session, now: datetime) -> DeliveryResult:
    """Deliver what is due at `now` with the environment's mail settings (what `tick` calls);
    a malformed PLANCASCADE_SMTP_URL is logged and nothing is touched until it is fixed."""
    try:
        settings = mail_settings.from_environment()
    except ValueError as exc:
        log.error("Không gửi thư: %s", exc)
        return DeliveryResult()
    sender = sender_for(settings)
    try:
        return deliver_due(session, now, sender)
    finally:
        if sender is not None:
            sender.close()


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(MailOutbox.status == MailStatus.QUEUED, MailOutbox.next_attempt_at <= now)


def _stale(now: datetime) -> ColumnElement[bool]:
    return and_(
        MailOutbox.status == MailStatus.QUEUED,
        MailOutbox.attempts == 0,
        MailOutbox.scheduled_at < now - STALE_AFTER,
    )


def _any(session: Session, condition: ColumnElement[bool]) -> bool:
    """Tell whether a row matches `condition` (a read, so that an idle pass takes no lock)."""
    found = session.scalar(select(MailOutbox.id).where(condition).limit(1)) is not None
    session.commit()
    return found


def _skip(session: Session, condition: ColumnElement[bool], reason: str) -> int:
    """Mark the rows matching `condition` skipped, in a committed transaction; return how many."""
    if not _any(session, condition):
        return 0
    db.begin_write(session)
    # Rows another worker is skipping are left to it, and the rest are locked in id order:
    # two bulk updates over the same rows in different orders deadlock on PostgreSQL.
    mine = (select(MailOutbox.id).where(condition).order_by(MailOutbox.id)
            .with_for_update(skip_locked=True))
    result = session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(mine))
        .values(status=MailStatus.SKIPPED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def _recover_expired(session: Session, now: datetime) -> None:
    """Queue again the rows a worker claimed more than `LEASE` ago and never settled (it was
    killed): at once, or failed when that was their last attempt."""
    expired = and_(MailOutbox.status == MailStatus.SENDING, MailOutbox.claimed_at < now - LEASE)
    if not _any(session, expired):
        return
    db.begin_write(session)
    for last, values in (
        (True, {"status": MailStatus.FAILED, "last_error": INTERRUPTED}),
        (False, {"status": MailStatus.QUEUED, "next_attempt_at": now, "last_error": INTERRUPTED}),
    ):
        attempts = (
            MailOutbox.attempts >= MAX_ATTEMPTS if last else MailOutbox.attempts < MAX_ATTEMPTS
        )
        session.execute(
            update(MailOutbox)
            .where(expired, attempts)
            .values(claim_token=None, **values)
            .execution_options(synchronize_session=False)
        )
    session.commit()


def _claim(session: Session, condition: ColumnElement[bool], token: str, now: datetime) -> None:
    session.execute(
        update(MailOutbox)
        .where(condition, MailOutbox.status == MailStatus.QUEUED)
        .values(
            status=MailStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=MailOutbox.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _claim_single(session: Session, now: datetime, batch: int, token: str) -> int:
    """Claim up to `batch` due rows that go on their own; return how many."""
    db.begin_write(session)
    query = (
        select(MailOutbox.id)
        .where(_due(now), MailOutbox.digest_day.is_(None))
        .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
        .limit(batch)
    )
    if _is_postgresql(session):
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        _claim(session, MailOutbox.id.in_(ids), token, now)
    session.commit()
    return len(ids)


def _claim_digests(session: Session, now: datetime, batch: int, token: str) -> int:
    """Claim every due digest row of up to `batch` users; return how many users."""
    db.begin_write(session)
    due = _due(now) & MailOutbox.digest_day.is_not(None)
    user_ids = list(
        session.scalars(
            select(MailOutbox.user_id).where(due).distinct().order_by(MailOutbox.user_id)
            .limit(batch)
        )
    )
    if user_ids and _is_postgresql(session):
        # the user's row is the digest's lock: another worker skips that user altogether
        lock = select(User.id).where(User.id.in_(user_ids))
        user_ids = list(session.scalars(lock.with_for_update(skip_locked=True, key_share=True)))
    if user_ids:
        _claim(session, due & MailOutbox.user_id.in_(user_ids), token, now)
    session.commit()
    return len(user_ids)


def _jobs(session: Session, token: str) -> list[list[MailOutbox]]:
    """Return the claimed rows as mails to send: each single row alone, each user's digest
    rows of one day together."""
    rows = session.scalars(
        select(MailOutbox)
        .where(MailOutbox.claim_token == token, MailOutbox.status == MailStatus.SENDING)
        .order_by(MailOutbox.user_id, MailOutbox.digest_day, MailOutbox.created_at, MailOutbox.id)
        .execution_options(populate_existing=True)  # the claim changed them behind the ORM
    ).all()
    jobs: dict[tuple[int, object], list[MailOutbox]] = {}
    for row in rows:
        key = (row.user_id, row.digest_day) if row.digest_day is not None else (row.id, "single")
        jobs.setdefault(key, []).append(row)
    return list(jobs.values())


def _release(session: Session, token: str, ids: Sequence[int]) -> None:
    """Give back claimed rows not begun (their attempt not counted)."""
    db.begin_write(session)
    session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(ids), MailOutbox.claim_token == token)
        .values(status=MailStatus.QUEUED, claim_token=None, attempts=MailOutbox.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _message(settings: MailSettings, rows: list[MailOutbox], name: str, now: datetime
             ) -> EmailMessage:
    """Return the mail of `rows` (one row, or a user's digest); SendError (permanent) when
    their data cannot make a mail (an address that is not one)."""
    first = rows[0]
    items = [MailItem(subject=r.subject, text=r.body, link=r.link) for r in rows]
    try:
        if first.digest_day is None:
            message_id = f"plancascade.mail.{first.id}"
            return single_message(settings, items[0], name, first.address, message_id, now)
        message_id = f"plancascade.digest.{first.user_id}.{first.digest_day:%Y%m%d}.{first.id}"
        return digest_message(
            settings, items, first.digest_day, name, first.address, message_id, now
        )
    except (ValueError, MessageError) as exc:
        raise SendError(f"Không tạo được thư: {exc}", permanent=True) from exc


def _send(
    session: Session,
    sender: MailSender,
    token: str,
    rows: list[MailOutbox],
    now: datetime,
    tally: _Tally,
) -> None:
    """Send one mail (a row, or a user's digest) and record the outcome on its rows."""
    first = rows[0]
    name = session.scalar(select(User.full_name).where(User.id == first.user_id)) or ""
    session.commit()  # nothing of ours stays open while the server answers
    try:
        sender.send(_message(sender.settings, rows, name, now), first.address)
    except SendError as error:
        _record_failure(session, token, rows, error, now, tally)
        return
    _settle(session, token, [r.id for r in rows], {"status": MailStatus.SENT, "sent_at": now})
    tally.mails += 1
    tally.digests += first.digest_day is not None
    tally.rows_sent += len(rows)


def _settle(session: Session, token: str, ids: Sequence[int], values: dict[str, object]) -> None:
    """Write the outcome of rows this worker still holds (its token), and commit."""
    db.begin_write(session)
    session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(ids), MailOutbox.claim_token == token)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _record_failure(
    session: Session,
    token: str,
    rows: list[MailOutbox],
    error: SendError,
    now: datetime,
    tally: _Tally,
) -> None:
    """Fail the rows for good (a permanent refusal, or their last attempt), else queue them
    again after the back-off of their attempt."""
    attempts = max(r.attempts for r in rows)
    ids = [r.id for r in rows]
    if error.permanent or attempts >= MAX_ATTEMPTS:
        _settle(session, token, ids, {"status": MailStatus.FAILED, "last_error": error.message})
        tally.failed += len(rows)
        return
    retry_at = now + BACKOFF[min(attempts, len(BACKOFF)) - 1]
    values = {"status": MailStatus.QUEUED, "next_attempt_at": retry_at, "last_error": error.message}
    _settle(session, token, ids, values)
    tally.retried += len(rows)
