"""Mail settings, read from the environment in this one place, when asked (never at import).

- `PLANCASCADE_SMTP_URL`: `smtp://[user:pass@]host[:port]` (plain, port 25 by default),
  `smtp://…?starttls=1` (upgraded with STARTTLS, port 587 by default), `smtps://…` (TLS from
  the first byte, port 465 by default); user and password percent-encoded. Unset or empty: no
  mail is sent at all (the in-app notices are unaffected).
- `PLANCASCADE_MAIL_FROM`: the sender, `addr` or `Name <addr>` (default
  `no-reply@localhost`).
- `PLANCASCADE_BASE_URL`: where the links in a mail point (default http://localhost:8000).

Only the process that delivers (`tick`) needs them: the outbox is written without them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_BASE_URL = "http://localhost:8000"
DEFAULT_SENDER = "no-reply@localhost"
SENDER_NAME = "Kế hoạch CĐS Sơn La"
SMTP_TIMEOUT = 30.0  # seconds per SMTP command: a hung server cannot hold a worker for long
_DEFAULT_PORTS = {("smtp", False): 25, ("smtp", True): 587, ("smtps", False): 465}
_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to connect: host, port, TLS from the start or STARTTLS, credentials."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = SMTP_TIMEOUT


@dataclass(frozen=True)
class MailSettings:
    """The SMTP server (None: mail is off), the sender and the base of links."""

    server: SmtpServer | None
    sender: str
    base_url: str

    @property
    def sender_address(self) -> str:
        """Return the bare address of the sender (the SMTP envelope's MAIL FROM)."""
        return parseaddr(self.sender)[1] or DEFAULT_SENDER

    @property
    def sender_header(self) -> str:
        """Return the From header: the configured one, or the address with our name."""
        name, address = parseaddr(self.sender)
        return formataddr((name or SENDER_NAME, address or DEFAULT_SENDER))


def parse_smtp_url(url: str) -> SmtpServer:
    """Read an `smtp://` or `smtps://` URL; raise ValueError (in Vietnamese) when malformed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(
            "PLANCASCADE_SMTP_URL phải có dạng smtp://[người_dùng:mật_khẩu@]máy:cổng "
            "hoặc smtps://…"
        )
    query = parse_qs(parts.query)
    starttls = scheme == "smtp" and query.get("starttls", ["0"])[0].lower() in _TRUE
    try:
        port = parts.port or _DEFAULT_PORTS[(scheme, starttls)]
    except ValueError as exc:
        raise ValueError("Cổng trong PLANCASCADE_SMTP_URL không hợp lệ") from exc
    return SmtpServer(
        host=parts.hostname,
        port=port,
        tls=scheme == "smtps",
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def from_environment(environ: Mapping[str, str] | None = None) -> MailSettings:
    """Return the mail settings of the environment (`os.environ` unless given)."""
    env = os.environ if environ is None else environ
    url = (env.get("PLANCASCADE_SMTP_URL") or "").strip()
    return MailSettings(
        server=parse_smtp_url(url) if url else None,
        sender=(env.get("PLANCASCADE_MAIL_FROM") or "").strip() or DEFAULT_SENDER,
        base_url=((env.get("PLANCASCADE_BASE_URL") or "").strip() or DEFAULT_BASE_URL).rstrip(
            "/"
        ),
    )
