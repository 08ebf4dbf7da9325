"""Mail: every notice queues one mail per reader, delivered over SMTP exactly once.

A real SMTP server (`aiosmtpd`, started by the test on a free port) receives the mails; it can
refuse an address for good (550) or for now (451). Runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set.
"""
from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from engine.core import clock
from engine.core.mail_settings import MailSettings, SmtpServer, from_environment, parse_smtp_url
from engine.core.mail_transport import SmtpSender
from engine.demo import seed_data
from engine.demo.bootstrap import at
from engine.processes import mail_delivery, outbox, timers
from engine.processes.mail_delivery import MAX_ATTEMPTS, deliver_due
from models import (
    MailMode,
    MailOutbox,
    MailStatus,
    Notification,
    Substitution,
    Unit,
    User,
)

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "https://kehoach.sonla.example"
SENDER = "ke-hoach-cds@sonla.example"
FRIDAY = date(2026, 1, 9)  # a working day; Saturday 10/01 and Sunday 11/01 are off
MONDAY = date(2026, 1, 12)


@dataclass
class Recorder:
    """An SMTP handler that keeps what it receives and refuses the addresses it is told to."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    rcpt_attempts: Counter[str] = field(default_factory=Counter)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.rcpt_attempts[address] += 1
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        """Return the received mails, parsed (headers decoded)."""
        return [
            email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
            for _, _, raw in self.messages
        ]

    def to(self, address: str) -> list[EmailMessage]:
        """Return the mails received for `address`."""
        return [m for (_, rcpt, _), m in zip(self.messages, self.parsed(), strict=True)
                if address in rcpt]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    """A local SMTP server recording what it receives, and its port."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, port
    controller.stop()


@pytest.fixture
def settings(smtp: tuple[Recorder, int]) -> MailSettings:
    return MailSettings(SmtpServer("127.0.0.1", smtp[1], timeout=10), SENDER, BASE_URL)


@pytest.fixture
def people(session: Session) -> dict[str, Unit]:
    """The units and the demo accounts (addresses at sonla.example)."""
    units = seed_data.load_units(session)
    seed_data.create_demo_users(session, units)
    session.commit()
    return units


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def notice(session: Session, units: dict[str, Unit], kind: str = "reminder_before",
           unit: str = "muong-la", role: str = "unit_staff") -> Notification:
    text = f"Nhắc việc: {units[unit].name} cần gửi kế hoạch chuyển đổi số trước ngày 10/01/2026."
    return outbox.notify(session, unit_id=units[unit].id, role=role, kind=kind, message=text)


def deliver(session: Session, settings: MailSettings, now: datetime,
            **kwargs: Any) -> mail_delivery.DeliveryResult:
    with SmtpSender(settings, settings.server) as sender:  # type: ignore[arg-type]
        return deliver_due(session, now, sender, **kwargs)


def rows(session: Session) -> list[MailOutbox]:
    session.expire_all()
    return list(session.scalars(select(MailOutbox).order_by(MailOutbox.id)))


# --- a reminder from tick -------------------------------------------------------------------


def test_a_reminder_from_tick_reaches_the_server_once_even_when_delivery_runs_twice(
    session: Session, world: Any, smtp: tuple[Recorder, int], settings: MailSettings
) -> None:
    recorder, _ = smtp
    clock.set_now(at(date(2026, 1, 8), 8, 1))  # 2 working days before the 10/01 deadline
    timers.tick(session)
    queued = rows(session)
    notices = session.scalars(select(Notification)).all()
    # the reminders, and the notices of the adoption tasks the issued plan gave every unit
    assert {n.kind for n in notices} == {"new_task", "reminder_before"}
    assert len(queued) == len(notices) > 90  # every unit's staff and leader has an address
    assert all(r.status == MailStatus.QUEUED for r in queued)

    first = deliver(session, settings, clock.now())
    second = deliver(session, settings, clock.now())

    assert first.mails == len(queued) and second.mails == 0
    assert len(recorder.messages) == len(queued)
    pairs = Counter((r.notification_id, r.user_id) for r in rows(session))
    assert set(pairs.values()) == {1} and len(pairs) == len(queued)
    assert {r.status for r in rows(session)} == {MailStatus.SENT}
    [mail] = [m for m in recorder.to("muong-la.staff@sonla.example")
              if not m["Subject"].startswith("[Kế hoạch CĐS] Việc mới")]  # the adoption task's
    assert mail["Subject"] == (
        "[Kế hoạch CĐS] Nhắc việc: Kế hoạch chuyển đổi số của đơn vị – Xã Mường La")
    body = mail.get_content()
    assert "Kính gửi Chuyên viên" in body and "hạn cuối: hết ngày 10/01/2026" in body
    staff_row = next(r for r in rows(session) if r.address == "muong-la.staff@sonla.example")
    assert staff_row.link.startswith("/tasks/")  # the staff's own ready task
    assert f"Xem chi tiết: {BASE_URL}{staff_row.link}" in body
    [leader_mail] = recorder.to("muong-la.leader@sonla.example")
    assert f"{BASE_URL}/instances/" in leader_mail.get_content()  # no task of theirs: the instance
    assert mail["From"].addresses[0].addr_spec == SENDER


# --- two workers at once --------------------------------------------------------------------


def run_together(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables in threads released together; return their results (or errors)."""
    start = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = workers[index]()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_workers_at_once_send_each_mail_once(
    session: Session, session_factory: sessionmaker[Session], people: dict[str, Unit],
    smtp: tuple[Recorder, int], settings: MailSettings
) -> None:
    recorder, _ = smtp
    clock.set_now(at(FRIDAY, 9))
    for _ in range(30):
        notice(session, people)
        notice(session, people, kind="escalation", unit="muong-la", role="province_leader")
    session.commit()
    expected = len(rows(session))
    assert expected == 60

    def worker() -> mail_delivery.DeliveryResult:
        with session_factory() as own:
            return deliver(own, settings, clock.now(), batch=3)

    results = run_together([worker, worker])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.mails for r in results) == expected
    assert len(recorder.messages) == expected
    ids = Counter(m["Message-ID"] for m in recorder.parsed())
    assert len(ids) == expected and set(ids.values()) == {1}
    assert {r.status for r in rows(session)} == {MailStatus.SENT}


def test_two_tick_processes_at_once_send_each_mail_once(
    session: Session, db_engine: Engine, people: dict[str, Unit], smtp: tuple[Recorder, int]
) -> None:
    recorder, port = smtp
    clock.set_now(at(FRIDAY, 9))
    for _ in range(20):
        notice(session, people)
    session.commit()
    script = (
        "from engine.core import clock\n"
        "from engine.core.db import make_engine, make_session_factory\n"
        "from engine.processes import mail_delivery\n"
        "with make_session_factory(make_engine())() as s:\n"
        "    print(mail_delivery.deliver_configured(s, clock.now()).mails)\n"
    )
    env = {**os.environ, "PLANCASCADE_SMTP_URL": f"smtp://127.0.0.1:{port}",
           "PLANCASCADE_MAIL_FROM": SENDER, "PLANCASCADE_NOW": at(FRIDAY, 9, 5).isoformat(),
           "DATABASE_URL": db_engine.url.render_as_string(hide_password=False),
           "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum(int(out.strip()) for out, _ in outputs) == 20
    assert len(recorder.messages) == 20
    assert {r.status for r in rows(session)} == {MailStatus.SENT}


# --- refusals, retries, a killed worker -----------------------------------------------------


def test_a_refused_recipient_is_recorded_and_never_retried(
    session: Session, people: dict[str, Unit], smtp: tuple[Recorder, int],
    settings: MailSettings
) -> None:
    recorder, _ = smtp
    refused = "muong-la.staff@sonla.example"
    recorder.refuse[refused] = "550 5.1.1 Mailbox unavailable"
    clock.set_now(at(FRIDAY, 9))
    notice(session, people)  # to the refused staff
    notice(session, people, role="unit_leader")  # to the leader, who gets it
    session.commit()

    now = clock.now()
    for hours in range(0, 24 * 7, 6):  # a week of ticks
        deliver(session, settings, now + timedelta(hours=hours))

    bad, good = rows(session)
    assert bad.status == MailStatus.FAILED and bad.attempts == 1
    assert bad.last_error is not None and bad.last_error.startswith("550 5.1.1")
    assert recorder.rcpt_attempts[refused] == 1
    assert good.status == MailStatus.SENT
    assert [rcpt for _, rcpt, _ in recorder.messages] == [["muong-la.leader@sonla.example"]]


def test_an_address_that_cannot_be_mailed_fails_alone_and_the_batch_goes_on(
    session: Session, people: dict[str, Unit], smtp: tuple[Recorder, int],
    settings: MailSettings
) -> None:
    recorder, _ = smtp
    user(session, "muong-la.staff").email = "nguyễn.văn.a@sonla.example"  # needs SMTPUTF8
    clock.set_now(at(FRIDAY, 9))
    notice(session, people)
    notice(session, people, role="unit_leader")
    session.commit()
    deliver(session, settings, clock.now())
    bad, good = rows(session)
    assert (bad.status, good.status) == (MailStatus.FAILED, MailStatus.SENT)
    assert bad.attempts == 1 and (bad.last_error or "").startswith("Không tạo được thư")
    assert len(recorder.messages) == 1


def test_a_temporary_refusal_is_retried_with_back_off_then_given_up(
    session: Session, people: dict[str, Unit], smtp: tuple[Recorder, int],
    settings: MailSettings
) -> None:
    recorder, _ = smtp
    address = "muong-la.staff@sonla.example"
    recorder.refuse[address] = "451 4.3.0 Try again later"
    clock.set_now(at(FRIDAY, 9))
    notice(session, people)
    session.commit()
    start = clock.now()

    deliver(session, settings, start)
    [row] = rows(session)
    assert (row.status, row.attempts) == (MailStatus.QUEUED, 1)
    assert row.next_attempt_at == start + timedelta(minutes=1)
    deliver(session, settings, start + timedelta(seconds=30))  # not yet due: untouched
    assert recorder.rcpt_attempts[address] == 1

    for minutes in range(1, 60 * 24 * 3, 10):  # three days of 10-minute ticks
        deliver(session, settings, start + timedelta(minutes=minutes))
    [row] = rows(session)
    assert (row.status, row.attempts) == (MailStatus.FAILED, MAX_ATTEMPTS)
    assert row.last_error is not None and row.last_error.startswith("451")
    assert recorder.rcpt_attempts[address] == MAX_ATTEMPTS
    assert recorder.messages == []


class Killed(BaseException):
    """The worker process dies in the middle of a send."""


class DyingSender:
    """A sender whose process is killed while the server takes the mail."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage, recipient: str) -> None:
        raise Killed

    def close(self) -> None:
        pass


def test_a_worker_killed_mid_send_leaves_the_mail_to_the_next_tick_after_the_lease(
    session: Session, people: dict[str, Unit], smtp: tuple[Recorder, int],
    settings: MailSettings
) -> None:
    recorder, _ = smtp
    clock.set_now(at(FRIDAY, 9))
    notice(session, people)
    session.commit()
    start = clock.now()
    with pytest.raises(Killed):
        deliver_due(session, start, DyingSender(settings))
    session.rollback()
    [row] = rows(session)
    assert row.status == MailStatus.SENDING

    deliver(session, settings, start + timedelta(minutes=5))  # its lease still runs
    assert recorder.messages == [] and rows(session)[0].status == MailStatus.SENDING
    deliver(session, settings, start + mail_delivery.LEASE + timedelta(minutes=1))
    deliver(session, settings, start + mail_delivery.LEASE + timedelta(minutes=2))
    assert len(recorder.messages) == 1
    assert rows(session)[0].status == MailStatus.SENT


# --- the morning digest ---------------------------------------------------------------------


def test_the_digest_gathers_a_days_reminders_into_one_mail_at_0730_of_a_working_day(
    session: Session, people: dict[str, Unit], smtp: tuple[Recorder, int],
    settings: MailSettings
) -> None:
    recorder, _ = smtp
    outbox.set_mail_mode(session, user(session, "muong-la.staff").id, MailMode.DIGEST)
    for hour in (9, 11, 15):  # Friday, after Friday's digest
        clock.set_now(at(FRIDAY, hour))
        notice(session, people)
        notice(session, people, kind="due")
    clock.set_now(at(FRIDAY, 16))
    notice(session, people, kind="escalation")  # never waits for the digest
    session.commit()

    deliver(session, settings, at(FRIDAY, 16, 1))
    assert [m["Subject"] for m in recorder.to("muong-la.staff@sonla.example")] == [
        "[Kế hoạch CĐS] Báo cáo chậm trễ: Xã Mường La"]
    saturday = FRIDAY + timedelta(days=1)
    deliver(session, settings, at(saturday, 7, 30))
    deliver(session, settings, at(MONDAY, 7, 29))
    assert len(recorder.messages) == 1
    deliver(session, settings, at(MONDAY, 7, 30))
    deliver(session, settings, at(MONDAY, 8, 0))

    digest = recorder.to("muong-la.staff@sonla.example")[1:]
    assert len(digest) == 1
    assert digest[0]["Subject"] == "[Kế hoạch CĐS] Bản tin nhắc việc sáng 12/01/2026: 6 thông báo"
    text = digest[0].get_content()
    assert text.count("Xem chi tiết:") == 6 and "6. Đến hạn: Xã Mường La" in text
    waited = [r for r in rows(session) if r.digest_day is not None]
    assert len(waited) == 6 and {r.digest_day for r in waited} == {MONDAY}
    assert {r.status for r in waited} == {MailStatus.SENT}


def test_a_reminder_written_before_0730_goes_in_that_mornings_digest(
    session: Session, people: dict[str, Unit]
) -> None:
    outbox.set_mail_mode(session, user(session, "muong-la.staff").id, MailMode.DIGEST)
    clock.set_now(at(FRIDAY, 7, 0))
    notice(session, people)
    clock.set_now(at(FRIDAY - timedelta(days=1), 7, 31))
    notice(session, people)
    assert [r.digest_day for r in rows(session)] == [FRIDAY, FRIDAY]
    assert rows(session)[0].next_attempt_at == at(FRIDAY, 7, 30)


# --- readers, configuration -----------------------------------------------------------------


def test_readers_are_the_role_holders_with_an_address_and_their_substitutes(
    session: Session, people: dict[str, Unit]
) -> None:
    staff, leader = user(session, "muong-la.staff"), user(session, "muong-la.leader")
    clock.set_now(at(FRIDAY, 9))
    session.add(Substitution(absent_user_id=staff.id, substitute_user_id=leader.id,
                             starts_on=FRIDAY, ends_on=MONDAY, created_at=clock.now()))
    notice(session, people)
    assert {r.address for r in rows(session)} == {staff.email, leader.email}
    user(session, "skhcn.staff").email = None
    notice(session, people, kind="escalation", role="dost_staff")  # province-wide, no address
    notice(session, people, kind="escalation", role="province_leader")
    assert [r.address for r in rows(session)[2:]] == ["ubnd.leader@sonla.example"]


def test_nothing_is_sent_without_an_smtp_url_and_skipped_mails_stay_unsent(
    session: Session, people: dict[str, Unit], smtp: tuple[Recorder, int],
    settings: MailSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, _ = smtp
    monkeypatch.delenv("PLANCASCADE_SMTP_URL", raising=False)
    clock.set_now(at(FRIDAY, 9))
    notice(session, people)
    session.commit()
    result = mail_delivery.deliver_configured(session, clock.now())
    assert result.skipped == 1 and result.mails == 0
    [row] = rows(session)
    assert row.status == MailStatus.SKIPPED and "PLANCASCADE_SMTP_URL" in (row.last_error or "")
    deliver(session, settings, clock.now() + timedelta(days=1))
    assert recorder.messages == []
    assert session.scalars(select(Notification)).one().message.startswith("Nhắc việc")


def test_mails_no_tick_sent_for_three_days_are_skipped_not_sent_late(
    session: Session, people: dict[str, Unit], smtp: tuple[Recorder, int],
    settings: MailSettings
) -> None:
    recorder, _ = smtp
    clock.set_now(at(FRIDAY, 9))
    notice(session, people)
    session.commit()
    deliver(session, settings, clock.now() + timedelta(days=4))
    assert recorder.messages == [] and rows(session)[0].status == MailStatus.SKIPPED


def test_smtp_urls_are_read_with_their_tls_mode_port_and_credentials() -> None:
    plain = parse_smtp_url("smtp://mail.sonla.example")
    assert (plain.host, plain.port, plain.tls, plain.starttls) == ("mail.sonla.example", 25,
                                                                   False, False)
    upgraded = parse_smtp_url("smtp://ke-hoach:m%E1%BA%ADt%40kh%E1%BA%A9u@mail.example?starttls=1")
    assert (upgraded.port, upgraded.starttls) == (587, True)
    assert (upgraded.username, upgraded.password) == ("ke-hoach", "mật@khẩu")
    tls = parse_smtp_url("smtps://mail.example:2465")
    assert (tls.port, tls.tls, tls.starttls) == (2465, True, False)
    with pytest.raises(ValueError, match="PLANCASCADE_SMTP_URL"):
        parse_smtp_url("http://mail.example")
    settings = from_environment({"PLANCASCADE_MAIL_FROM": "Sở KHCN <skhcn@sonla.example>",
                                 "PLANCASCADE_BASE_URL": "https://kehoach.example/"})
    assert settings.server is None and settings.base_url == "https://kehoach.example"
    assert settings.sender_address == "skhcn@sonla.example"


def test_a_server_that_is_down_costs_one_attempt_and_a_retry(
    session: Session, people: dict[str, Unit]
) -> None:
    clock.set_now(at(FRIDAY, 9))
    notice(session, people)
    session.commit()
    down = MailSettings(SmtpServer("127.0.0.1", free_port(), timeout=2), SENDER, BASE_URL)
    result = deliver(session, down, clock.now())
    [row] = rows(session)
    assert result.retried == 1 and (row.status, row.attempts) == (MailStatus.QUEUED, 1)
    assert "Không gửi được qua máy chủ thư" in (row.last_error or "")


def test_only_outbox_writes_notifications() -> None:
    writers = [str(p.relative_to(ROOT)) for p in (ROOT / "engine").rglob("*.py")
               if "Notification(" in p.read_text(encoding="utf-8")]
    assert writers == ["engine/processes/outbox.py"], (
        "write notices with engine.processes.outbox.notify so that they are mailed too")

