"""The load test's clients: threads, each with its own `requests.Session` per account.

A unit client signs in as its unit's staff and its unit's leader and loops until the deadline:
the staff's inbox; when it holds the "adapt the plan" task, open it and complete it (the form
posted as a browser would, CSRF token included); otherwise the leader's inbox, open the
approval and return the plan to the staff with a comment (so the staff's task comes back and
the loop never runs out of work). A reader client also signs in as Sở KHCN's staff and reads
the supervision matrix's first page and /api/status once per loop.

Every request is timed; a kind's errors are answers ≥ 400, a completion not answered by a
redirect, and exceptions (timeouts, refused connections).
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from tests.web.conftest import form_fields

PASSWORD = "demo"  # engine.demo.seed_data.DEMO_PASSWORD
READER = "skhcn.staff"
REQUEST_TIMEOUT = 30.0
TASK_LINK = re.compile(r'href="/tasks/(\d+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Record:
    """Latencies (seconds) and error counts by request kind."""

    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    messages: list[str] = field(default_factory=list)

    def merge(self, other: Record) -> None:
        """Add `other`'s samples and errors to this record."""
        for kind, values in other.samples.items():
            self.samples[kind].extend(values)
        for kind, count in other.errors.items():
            self.errors[kind] += count
        self.messages.extend(other.messages[:5])


class Account:
    """One signed-in browser: a session, its client address, and timed requests."""

    def __init__(self, base: str, username: str, address: str, record: Record) -> None:
        self.base, self.username, self.record = base, username, record
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = address

    def timed(self, kind: str, method: str, path: str,
              ok: Callable[[requests.Response], bool] = lambda r: r.status_code < 400,
              **kwargs: object) -> requests.Response | None:
        """Send one request, record its latency under `kind`, and its error if any."""
        begin = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=REQUEST_TIMEOUT,
                                         allow_redirects=False, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as exc:
            self._error(kind, f"{kind} {path}: {type(exc).__name__}")
            return None
        self.record.samples[kind].append(time.perf_counter() - begin)
        if not ok(response):
            self._error(kind, f"{kind} {path} ({self.username}): HTTP {response.status_code}")
            return None
        return response

    def _error(self, kind: str, message: str) -> None:
        self.record.errors[kind] += 1
        if len(self.record.messages) < 5:
            self.record.messages.append(message)

    def sign_in(self) -> bool:
        """Sign in through the login form (its CSRF token first)."""
        page = self.timed("sign-in", "GET", "/login")
        token = CSRF.search(page.text) if page is not None else None
        data = {"username": self.username, "password": PASSWORD,
                "csrf_token": token.group(1) if token else ""}
        return self.timed("sign-in", "POST", "/login", lambda r: r.status_code == 302,
                          data=data) is not None


def _redirected(response: requests.Response) -> bool:
    return response.status_code in (302, 303)


def adapt_fields(html: str) -> list[tuple[str, str]]:
    """The adapt form as a browser submits it, each kept task's empty "responsible" filled."""
    fields = form_fields(html)
    filled = [(name, value or "Văn phòng") if name.endswith("-responsible") else (name, value)
              for name, value in fields]
    return filled + [("action", "complete")]


def return_fields(html: str) -> list[tuple[str, str]]:
    """The leader's approval form answered "return to the staff" with a comment."""
    token = CSRF.search(html)
    return [("csrf_token", token.group(1) if token else ""), ("decision", "return"),
            ("comments", "Đề nghị bổ sung đơn vị chủ trì (thử tải)."), ("action", "complete")]


def complete_one(account: Account, kind: str) -> bool:
    """Open the first task of `account`'s inbox and complete it; False when it holds none."""
    inbox = account.timed("inbox", "GET", "/")
    found = TASK_LINK.search(inbox.text) if inbox is not None else None
    if found is None:
        return False
    path = f"/tasks/{found.group(1)}"
    page = account.timed("task page", "GET", path)
    if page is None:
        return True
    leader = 'name="decision"' in page.text
    fields = return_fields(page.text) if leader else adapt_fields(page.text)
    account.timed(f"{kind} ({'return' if leader else 'adapt'})", "POST", path, _redirected,
                  data=fields)
    return True


@dataclass
class Client:
    """One client: its unit's staff and leader, and Sở KHCN's staff when it also reads."""

    staff: Account
    leader: Account
    reader: Account | None
    record: Record


def sign_in_client(base: str, number: int, unit_code: str, reads: bool) -> Client | None:
    """Sign the client's accounts in, each from its own address; None when one fails."""
    record = Record()

    def account(username: str, offset: int) -> Account:
        address = f"10.{offset}.{number // 250}.{number % 250 + 1}"
        return Account(base, username, address, record)

    client = Client(account(f"{unit_code}.staff", 1), account(f"{unit_code}.leader", 2),
                    account(READER, 3) if reads else None, record)
    accounts = [a for a in (client.staff, client.leader, client.reader) if a is not None]
    return client if all(a.sign_in() for a in accounts) else None


def run_client(client: Client, deadline: float, think: float) -> None:
    """Loop until the deadline (see the module docstring)."""
    while time.monotonic() < deadline:
        if not complete_one(client.staff, "completion"):
            complete_one(client.leader, "completion")
        if client.reader is not None and time.monotonic() < deadline:
            client.reader.timed("matrix", "GET", "/supervision")
            client.reader.timed("/api/status", "GET", "/api/status")
        if think:
            time.sleep(think)


def run_clients(clients: list[Client], seconds: float, think: float,
                join_timeout: float) -> tuple[Record, float]:
    """Run one thread per client for `seconds`; return the merged record and the wall time."""
    begin = time.monotonic()
    threads = [threading.Thread(target=run_client, args=(c, begin + seconds, think),
                                daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    deadline = begin + seconds + join_timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    elapsed = time.monotonic() - begin
    merged = Record()
    for client in clients:
        merged.merge(client.record)
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        merged.messages.append(f"{stuck} client thread(s) still running at the hard timeout")
    return merged, elapsed
