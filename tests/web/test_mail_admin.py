"""The mail pages: administrators see the addresses that failed; each user chooses, on their
account page, immediate mails or the 07:30 digest for reminders."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from email.message import EmailMessage

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.mail_settings import MailSettings
from engine.core.mail_transport import SendError
from engine.demo.bootstrap import at
from engine.processes import outbox
from engine.processes.mail_delivery import deliver_due
from models import MailMode, User
from tests.web.conftest import flashes, unit_id

REFUSED = "muong-la.staff@sonla.example"


def web_data(people: None) -> None:
    """The mail pages need the accounts only."""


class RefusingSender:
    """A sender whose server refuses one address for good and takes the others."""

    settings = MailSettings(None, "ke-hoach-cds@sonla.example", "http://localhost:8000")

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: EmailMessage, recipient: str) -> None:
        if recipient == REFUSED:
            raise SendError("550 5.1.1 Hộp thư không tồn tại", permanent=True)
        self.sent.append(recipient)

    def close(self) -> None:
        pass


def fail_one_mail(fresh: Callable[[], Session]) -> None:
    with fresh() as session:
        clock.set_now(at(date(2026, 1, 9), 9))
        for role in ("unit_staff", "unit_leader"):
            outbox.notify(session, unit_id=unit_id(session, "muong-la"), role=role,
                          kind="reminder_before",
                          message="Nhắc việc: Xã Mường La cần gửi kế hoạch.")
        session.commit()
        sender = RefusingSender()
        deliver_due(session, clock.now(), sender)
        assert sender.sent == ["muong-la.leader@sonla.example"]
        clock.set_now(None)


def checked_modes(page: str) -> list[str]:
    """Return the values of the checked mail-mode radio buttons of a page."""
    return re.findall(r'<input checked [^>]*name="mail_mode" type="radio" value="(\w+)"', page)


def mode_of(fresh: Callable[[], Session], username: str) -> str:
    with fresh() as session:
        return session.scalars(select(User.mail_mode).where(User.username == username)).one()


def test_admins_see_the_failed_addresses_with_the_servers_answer(
    signed_in: Callable[[str], FlaskClient], fresh: Callable[[], Session]
) -> None:
    fail_one_mail(fresh)
    page = signed_in("admin").get("/admin/mail").get_data(as_text=True)
    assert "Địa chỉ gửi không được" in page
    assert f'data-address="{REFUSED}"' in page and "550 5.1.1 Hộp thư không tồn tại" in page
    assert "leader@sonla.example" not in page  # delivered: not listed
    assert 'data-status="failed">Gửi không được: <strong>1</strong>' in page
    assert 'data-status="sent">Đã gửi: <strong>1</strong>' in page
    filtered = signed_in("admin").get("/admin/mail?q=so-tai-chinh").get_data(as_text=True)
    assert "Không có thư nào gửi không được." in filtered


def test_the_failed_mail_page_is_for_administrators_only(
    signed_in: Callable[[str], FlaskClient]
) -> None:
    assert signed_in("skhcn.staff").get("/admin/mail").status_code == 404
    assert signed_in("muong-la.staff").get("/admin/mail").status_code == 404


def test_the_account_page_shows_my_address_and_mail_mode(
    signed_in: Callable[[str], FlaskClient]
) -> None:
    page = signed_in("muong-la.staff").get("/account").get_data(as_text=True)
    assert "<code>muong-la.staff@sonla.example</code>" in page
    assert checked_modes(page) == ["immediate"]
    assert "Gộp vào bản tin 07:30 mỗi sáng ngày làm việc" in page


def test_i_choose_the_morning_digest_for_reminders(
    signed_in: Callable[[str], FlaskClient], fresh: Callable[[], Session]
) -> None:
    client = signed_in("muong-la.staff")
    response = client.post("/account/mail", data={"mail_mode": "digest"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert flashes(client) == ["Đã lưu cách nhận thư nhắc việc."]
    assert mode_of(fresh, "muong-la.staff") == MailMode.DIGEST
    assert mode_of(fresh, "muong-la.leader") == MailMode.IMMEDIATE
    assert checked_modes(client.get("/account").get_data(as_text=True)) == ["digest"]


def test_an_unknown_mail_mode_is_refused(
    signed_in: Callable[[str], FlaskClient], fresh: Callable[[], Session]
) -> None:
    client = signed_in("muong-la.staff")
    response = client.post("/account/mail", data={"mail_mode": "weekly"})
    assert response.status_code == 302
    assert flashes(client) == ["Vui lòng chọn một cách nhận thư nhắc việc."]
    assert mode_of(fresh, "muong-la.staff") == MailMode.IMMEDIATE


def test_the_mail_mode_form_needs_the_csrf_token(
    csrf_app: Flask, fresh: Callable[[], Session]
) -> None:
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "muong-la.staff", "password": "demo",
                                "csrf_token": token})
    response = client.post("/account/mail", data={"mail_mode": "digest"})
    assert response.status_code == 400 and "mã bảo mật" in response.get_data(as_text=True)
    assert mode_of(fresh, "muong-la.staff") == MailMode.IMMEDIATE
