"""Sending one mail to one recipient over SMTP (the standard library's `smtplib`).

A `MailSender` sends and raises `SendError`, which says whether the refusal is permanent — the
server refused this recipient or this message with a 5xx reply: trying again cannot help — or
transient (4xx, a connection lost, a timeout, a login refused: worth another try later). One
connection is opened on first use and reused; after a connection failure the sender stops
trying (every later mail of the batch fails at once as transient) rather than waiting out the
timeout again and again.
"""

from __future__ import annotations

import smtplib
import ssl
from email.errors import MessageError
from email.message import EmailMessage
from types import TracebackType
from typing import Protocol

from engine.core.mail_settings import MailSettings, SmtpServer

PERMANENT_FROM = 500


class SendError(Exception):
    """An SMTP server did not take a mail: `permanent` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class MailSender(Protocol):
    """What delivery needs of a transport (tests may pass their own)."""

    settings: MailSettings

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Hand `message` to the server for `recipient`; raise SendError when not taken."""

    def close(self) -> None:
        """End the connection, if any."""


def _reply(code: int, text: bytes | str) -> str:
    """Return an SMTP reply as one readable line: `550 5.1.1 user unknown`."""
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(raw.split())}"


class SmtpSender:
    """Sends mails over one SMTP connection, opened on first use; use as a context manager."""

    def __init__(self, settings: MailSettings, server: SmtpServer) -> None:
        self.settings = settings
        self.server = server
        self._smtp: smtplib.SMTP | None = None
        self._broken: str | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        smtp: smtplib.SMTP
        if server.tls:
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if server.username:
            smtp.login(server.username, server.password or "")
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Send `message` to `recipient` only; raise SendError (permanent or not)."""
        if self._broken is not None:
            raise SendError(self._broken, permanent=False)
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message, self.settings.sender_address, [recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (PERMANENT_FROM, b"refused"))
            raise SendError(_reply(code, text), permanent=code >= PERMANENT_FROM) from exc
        except smtplib.SMTPNotSupportedError as exc:  # e.g. an address this server cannot take
            raise SendError(f"Máy chủ thư không nhận địa chỉ này: {exc}", permanent=True) from exc
        except smtplib.SMTPDataError as exc:
            raise SendError(
                _reply(exc.smtp_code, exc.smtp_error), permanent=exc.smtp_code >= PERMANENT_FROM
            ) from exc
        except (ValueError, MessageError) as exc:  # the mail cannot be written out as it is
            raise SendError(f"Không tạo được thư: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._broken = f"Không gửi được qua máy chủ thư: {type(exc).__name__}: {exc}"
            self.close()
            raise SendError(self._broken, permanent=False) from exc

    def close(self) -> None:
        """Say QUIT (quietly) and forget the connection."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def sender_for(settings: MailSettings) -> SmtpSender | None:
    """Return an SMTP sender for `settings`, or None when no server is configured."""
    return SmtpSender(settings, settings.server) if settings.server is not None else None
