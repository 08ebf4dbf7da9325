"""What a notice's mail says, and which notices may wait for the morning digest.

`DIGEST_KINDS` is the one place that says which notification kinds are reminder-like: a user
who chose the digest gets them gathered at 07:30 of the next working day. Every other kind —
escalations, returns for revision, and any kind added later (extension decided, new task,
report approved…) — is mailed at once, whatever the user chose.

Links are absolute: the site's base URL (`PLANCASCADE_BASE_URL`) plus the page's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from engine.core.formatting import format_date
from engine.core.labels import notice_label
from engine.core.mail_settings import MailSettings
from engine.core.notice_texts import stage_document

SUBJECT_PREFIX = "[Kế hoạch CĐS]"
SUBJECT_LENGTH = 300
DIGEST_KINDS = frozenset({"reminder_before", "due"})
NOTICES_PATH = "/notifications"
ACCOUNT_PATH = "/account"
FOOTER = (
    "Thư này được gửi tự động từ hệ thống Kế hoạch chuyển đổi số tỉnh Sơn La; vui lòng không "
    "trả lời thư này.\nChọn nhận nhắc việc ngay hoặc gộp vào bản tin 07:30 mỗi sáng ngày làm "
    "việc tại trang Tài khoản: {account}"
)


def may_wait_for_digest(kind: str) -> bool:
    """Tell whether a notice of `kind` may go in the morning digest (reminders only)."""
    return kind in DIGEST_KINDS


def task_path(task_id: int) -> str:
    """Return the path of a task's page."""
    return f"/tasks/{task_id}"


def instance_path(instance_id: int) -> str:
    """Return the path of a process instance's page."""
    return f"/instances/{instance_id}"


def subject_for(kind: str, unit_name: str, process_key: str | None, round_key: str = "") -> str:
    """Return the subject of a notice's mail: `[Kế hoạch CĐS] Nhắc việc: Báo cáo quý I – Xã…`."""
    about = stage_document(process_key, round_key) if process_key else ""
    topic = f"{about[:1].upper()}{about[1:]} – {unit_name}" if about else unit_name
    return f"{SUBJECT_PREFIX} {notice_label(kind)}: {topic}"[:SUBJECT_LENGTH]


@dataclass(frozen=True)
class MailItem:
    """One queued notice as a mail carries it: subject, text and the path it links to."""

    subject: str
    text: str
    link: str


def _headers(
    settings: MailSettings, message: EmailMessage, to: tuple[str, str], subject: str,
    message_id: str
) -> None:
    message["Subject"] = subject
    message["From"] = settings.sender_header
    message["To"] = Address(display_name=to[0], addr_spec=to[1])
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    domain = settings.sender_address.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{message_id}@{domain}>"


def _footer(settings: MailSettings) -> str:
    return FOOTER.format(account=settings.base_url + ACCOUNT_PATH)


def single_message(
    settings: MailSettings, item: MailItem, name: str, to: str, message_id: str, at: datetime
) -> EmailMessage:
    """Return the mail of one notice to `name` <`to`> (UTF-8 text, an absolute link).

    `message_id` is the same at every attempt, so a mail client shows a resent copy once.
    """
    message = EmailMessage()
    _headers(settings, message, (name, to), item.subject, message_id)
    message["Date"] = format_datetime(at)
    body = (
        f"Kính gửi {name},\n\n{item.text}\n\nXem chi tiết: {settings.base_url}{item.link}\n\n"
        f"--\n{_footer(settings)}\n"
    )
    message.set_content(body, charset="utf-8", cte="quoted-printable")  # 7-bit safe
    return message


def digest_subject(day: date, count: int) -> str:
    """Return the subject of a morning digest."""
    return f"{SUBJECT_PREFIX} Bản tin nhắc việc sáng {format_date(day)}: {count} thông báo"


def digest_message(
    settings: MailSettings,
    items: Sequence[MailItem],
    day: date,
    name: str,
    to: str,
    message_id: str,
    at: datetime,
) -> EmailMessage:
    """Return the morning digest gathering `items` (each notice numbered, with its link)."""
    message = EmailMessage()
    _headers(settings, message, (name, to), digest_subject(day, len(items)), message_id)
    message["Date"] = format_datetime(at)
    lines = [f"Kính gửi {name},", "", f"Các nhắc việc gửi tới anh/chị trước 07:30 ngày "
             f"{format_date(day)}:", ""]
    for number, item in enumerate(items, start=1):
        title = item.subject.removeprefix(SUBJECT_PREFIX).strip()
        lines += [f"{number}. {title}", f"   {item.text}",
                  f"   Xem chi tiết: {settings.base_url}{item.link}", ""]
    lines += ["--", _footer(settings), ""]
    message.set_content("\n".join(lines), charset="utf-8", cte="quoted-printable")
    return message
