"""`tick`: fire the timers that are due and deliver queued messages, sharing the work with any
other `tick` running at the same time.

Each instance (and each message) is handled in a transaction of its own that first locks it —
its row, skipping a row another worker holds, on PostgreSQL; the database's write lock on
SQLite — and then checks it is still due, so a worker that comes second finds nothing left.
A conflict all the same (a stale version, a serialization failure, a busy database, a unique
key a concurrent cascade took) means someone else got there first: that transaction is rolled
back, logged and retried, and the tick goes on. A database that cannot write stops the tick.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock, db, db_faults, tenancy
from engine.processes import effects, lifecycle, mail_delivery, messages
from engine.workflow import runtime
from models import HOME_TENANT_ID, BpmnMessage, InstanceStatus, ProcessInstance, Timer

log = logging.getLogger(__name__)
ATTEMPTS = 3  # a conflict is retried: the second attempt usually finds the work done

ADVANCED, SKIPPED, TAKEN, FAILED = "advanced", "skipped", "taken", "failed"
Row = TypeVar("Row", ProcessInstance, BpmnMessage)


@dataclass(frozen=True)
class TickResult:
    """What one tick did: instances with a due timer it visited, advanced, skipped (no longer
    running: their timers wait), found taken by another worker, failed; messages delivered."""

    due_instances: int
    advanced: int
    skipped: int
    messages: int = 0
    taken: int = 0
    failed: int = 0
    mails: int = 0


def due_instances(session: Session, now: datetime, limit: int) -> dict[int, int]:
    """Return the running instances with a timer due at `now`, the longest due first (then by
    id: a tick fires instances in one order, whatever plan the database chooses, so a tick
    resumed after a crash does what an uninterrupted one does, e.g. which unit starts a
    day's bundled notice): each instance's id with its tenant's."""
    query = (select(Timer.instance_id, ProcessInstance.tenant_id)
             .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
             .where(Timer.due_at < now, ProcessInstance.status == InstanceStatus.RUNNING)
             .order_by(Timer.due_at, Timer.instance_id).limit(limit))
    found: dict[int, int] = {}
    for instance_id, tenant_id in session.execute(query):
        found.setdefault(instance_id, int(tenant_id or HOME_TENANT_ID))
    return found


def _lock(session: Session, model: type[Row], row_id: int) -> bool:
    """Lock row `row_id` of `model` for this transaction; False when another worker holds it
    (PostgreSQL) or it is gone. Objects kept from earlier transactions are reloaded."""
    db.begin_write(session)
    session.expire_all()
    query = select(model.id).where(model.id == row_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query) is not None


def fire_instance(session: Session, instance_id: int, now: datetime | None = None) -> str:
    """Lock one instance and let it catch its due timers; say whether it advanced, was
    skipped (not running), or was taken (another worker holds it or already fired it)."""
    moment = now or clock.now()
    due = select(Timer.id).where(Timer.instance_id == instance_id, Timer.due_at < moment)
    if not _lock(session, ProcessInstance, instance_id) or session.scalar(due.limit(1)) is None:
        return TAKEN
    instance = session.get_one(ProcessInstance, instance_id)
    if instance.status != InstanceStatus.RUNNING:
        return SKIPPED  # paused or in error meanwhile: its timers wait for it to run again
    workflow = runtime.load(instance)
    lifecycle.advance(session, instance, workflow)
    effects.settle(session)
    return ADVANCED


def deliver_message(session: Session, message_id: int) -> str:
    """Lock one queued message and deliver it; TAKEN when another worker has it or did it."""
    if not _lock(session, BpmnMessage, message_id):
        return TAKEN
    message = session.get_one(BpmnMessage, message_id)
    if message.delivered_at is not None:
        return TAKEN
    messages.deliver(session, message)
    return ADVANCED


def _rollback(session: Session) -> None:
    session.rollback()
    lifecycle.pending(session).clear()  # effects queued by the undone work are undone too


def run_once(session: Session, work: Callable[[], str], what: str) -> str:
    """Run `work` in a transaction of its own and commit it; retry it after a conflict, log and
    report FAILED after an unexpected error; re-raise when the database cannot write."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            outcome = work()
            session.commit()
            return outcome
        except Exception as exc:
            _rollback(session)
            if db_faults.is_unavailable(exc):
                raise
            if not db_faults.is_conflict(exc):
                log.exception("%s: lỗi khi xử lý, bỏ qua lần này", what)
                return FAILED
            log.info("%s: một tiến trình khác đang xử lý (%s), thử lại lần %d", what,
                     type(exc).__name__, attempt)
    return TAKEN


def tick(
    session: Session,
    *,
    batch: int = 500,
    stop: threading.Event | None = None,
    mail: bool = False,
) -> TickResult:
    """Fire every timer due at clock.now() and deliver the queued messages, one committed
    transaction each, alongside any other tick. Each instance is visited once per tick; the
    caller's pending changes are committed first. Once `stop` is set, no new work is begun.
    With `mail` (the `tick` command), the outbox's due mails are then sent as configured."""
    moment = clock.now()
    session.commit()
    outcomes: Counter[str] = Counter()
    visited: set[int] = set()
    while stop is None or not stop.is_set():
        due = {i: t for i, t in due_instances(session, moment, batch).items() if i not in visited}
        session.commit()  # each instance then runs in a transaction of its own, for its tenant
        if not due:
            break
        for instance_id, tenant_id in due.items():
            if stop is not None and stop.is_set():
                break
            visited.add(instance_id)
            work = lambda: fire_instance(session, instance_id, moment)  # noqa: B023, E731
            with tenancy.scoped(session, tenant_id):
                outcomes[run_once(session, work, f"Quy trình #{instance_id}")] += 1
    delivered: Counter[str] = Counter()
    queued = messages.pending_owners(session)
    session.commit()
    for message_id, tenant_id in queued.items():
        if stop is not None and stop.is_set():
            break
        send = lambda: deliver_message(session, message_id)  # noqa: B023, E731
        with tenancy.scoped(session, tenant_id):
            delivered[run_once(session, send, f"Thông điệp #{message_id}")] += 1
    sent = mail_delivery.deliver_configured(session, moment).mails if mail else 0
    return TickResult(
        due_instances=len(visited),
        advanced=outcomes[ADVANCED],
        skipped=outcomes[SKIPPED],
        messages=delivered[ADVANCED],
        taken=outcomes[TAKEN] + delivered[TAKEN],
        failed=outcomes[FAILED] + delivered[FAILED],
        mails=sent,
    )


def tick_loop(
    sessions: Callable[[], Session],
    interval: float,
    stop: threading.Event,
    report: Callable[[TickResult], None],
) -> int:
    """Tick every `interval` seconds until `stop` is set; return how many passes failed.

    A pass that fails (the database unreachable or read-only, anything unexpected) is logged
    and the next pass tries again: a worker never dies of one.
    """
    failures = 0
    while not stop.is_set():
        try:
            with sessions() as session:
                report(tick(session, stop=stop, mail=True))
        except Exception as exc:  # noqa: BLE001 - a worker outlives any one pass
            failures += 1
            if db_faults.is_unavailable(exc):  # expected while it lasts: no traceback
                log.error("Cơ sở dữ liệu chưa ghi được (%s); thử lại sau %s giây", exc, interval)
            else:
                log.exception("Lượt tick chưa hoàn thành; thử lại sau %s giây", interval)
        stop.wait(interval)
    return failures
