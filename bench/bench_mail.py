"""Mail delivery figures: one pass with nothing due, and N queued mails sent to a local SMTP
server (aiosmtpd, the test extra) by one worker and by two at once.

Run: python bench/bench_mail.py [--mails 200]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.core import clock, schema  # noqa: E402
from engine.core.db import make_engine, make_session_factory  # noqa: E402
from engine.core.mail_settings import MailSettings, SmtpServer  # noqa: E402
from engine.core.mail_transport import SmtpSender  # noqa: E402
from engine.demo import seed_data  # noqa: E402
from engine.demo.bootstrap import at  # noqa: E402
from engine.processes import outbox  # noqa: E402
from engine.processes.mail_delivery import deliver_due  # noqa: E402


class Counting:
    """An SMTP handler that only counts."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.received += 1
        return "250 OK"


def free_port() -> int:
    """Return a free TCP port on the loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def queue(factory: object, mails: int) -> None:
    """Queue `mails` reminders to Xã Mường La's staff."""
    with factory() as session:  # type: ignore[operator]
        units = seed_data.load_units(session)
        seed_data.create_demo_users(session, units)
        for _ in range(mails):
            outbox.notify(session, unit_id=units["muong-la"].id, role="unit_staff",
                          kind="reminder_before", message="Nhắc việc: đo tốc độ gửi thư.")
        session.commit()


def run(mails: int, workers: int, folder: Path) -> None:
    """Print the figures of `workers` workers sending `mails` mails."""
    handler, port = Counting(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings = MailSettings(SmtpServer("127.0.0.1", port), "bench@sonla.example", "http://x")
    engine = make_engine(f"sqlite:///{folder / f'mail-{workers}.db'}")
    schema.upgrade(engine)
    factory = make_session_factory(engine)
    clock.set_now(at(date(2026, 1, 9), 9))
    queue(factory, mails)
    now = clock.now()

    def work() -> None:
        with factory() as session, SmtpSender(settings, SmtpServer("127.0.0.1", port)) as sender:
            deliver_due(session, now, sender)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    idle = time.perf_counter()
    work()
    idle = time.perf_counter() - idle
    print(f"{workers} worker(s): {handler.received}/{mails} mails in {elapsed:.2f} s "
          f"({handler.received / elapsed:.0f} mails/s); a pass with nothing due: "
          f"{idle * 1000:.1f} ms")
    controller.stop()
    engine.dispose()


def main() -> None:
    """Parse the arguments and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for workers in (1, 2):
            run(args.mails, workers, Path(folder))


if __name__ == "__main__":
    main()
