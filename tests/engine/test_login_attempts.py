"""Failed sign-ins per account (the lockout rule) and the rate limiter's database storage."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine.core import accounts, login_attempts, rate_limit_store
from engine.core.login_attempts import LockoutPolicy, TooManyAttempts
from engine.core.rate_limit_store import DatabaseStorage
from models import LoginFailure, Unit, UnitKind, User

POLICY = LockoutPolicy(max_failures=3, window=timedelta(minutes=15))
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _fail(session: Session, username: str, at: datetime) -> None:
    login_attempts.record_failure(session, username, "10.0.0.1", POLICY, at)


def test_an_account_locks_at_the_limit_until_its_oldest_counted_failure_leaves_the_window(
        session: Session) -> None:
    for minute in (0, 5):
        _fail(session, "muong-la.staff", T0 + timedelta(minutes=minute))
    assert login_attempts.locked_for(session, "muong-la.staff", POLICY, T0 + timedelta(minutes=6)) \
        is None
    _fail(session, " Muong-La.Staff ", T0 + timedelta(minutes=6))  # one account, however typed
    now = T0 + timedelta(minutes=7)
    assert login_attempts.locked_for(session, "muong-la.staff", POLICY, now) == timedelta(
        minutes=8)
    with pytest.raises(TooManyAttempts) as locked:
        login_attempts.check_not_locked(session, "muong-la.staff", POLICY, now)
    assert locked.value.minutes == 8
    assert locked.value.message == (
        "Bạn đã thử đăng nhập quá nhiều lần. Vui lòng thử lại sau 8 phút.")
    assert login_attempts.locked_for(session, "muong-la.staff", POLICY,
                                     T0 + timedelta(minutes=15)) is None
    assert login_attempts.locked_for(session, "muong-la.leader", POLICY, now) is None


def test_old_failures_are_forgotten_and_a_success_clears_the_account(session: Session) -> None:
    _fail(session, "a", T0)
    _fail(session, "b", T0 + timedelta(minutes=20))  # `a`'s failure is out of every window
    assert session.scalars(select(LoginFailure.username)).all() == ["b"]
    login_attempts.clear(session, "B")
    assert session.scalar(select(func.count(LoginFailure.id))) == 0


def _user(session: Session, active: bool = True) -> User:
    unit = Unit(code="u", name="Đơn vị", kind=UnitKind.DEPARTMENT)
    user = User(username="u.staff", full_name="Người dùng", unit=unit, active=active,
                password_hash=generate_password_hash("mat-khau-dung"))
    session.add(user)
    session.flush()
    return user


@pytest.mark.parametrize("active", [True, False])
def test_sign_in_counts_every_refusal_alike(session: Session, active: bool) -> None:
    user = _user(session, active)
    for password in ("sai", "sai"):
        assert accounts.sign_in(session, "u.staff", password, policy=POLICY, now=T0) is None
    signed = accounts.sign_in(session, "u.staff", "mat-khau-dung", policy=POLICY, now=T0)
    assert (signed is not None) == active  # a deactivated account never signs in
    failures = session.scalar(select(func.count(LoginFailure.id)))
    assert failures == (0 if active else 3)
    if not active:
        with pytest.raises(TooManyAttempts):
            accounts.sign_in(session, "u.staff", "mat-khau-dung", policy=POLICY, now=T0)
    assert user.session_version == 0


def test_ending_sessions_changes_the_fingerprint_a_session_carries(session: Session) -> None:
    user = _user(session)
    before = accounts.identity(session, user.id)
    accounts.sign_out(session, user.id)
    after = accounts.identity(session, user.id)
    assert before and after and before.fingerprint != after.fingerprint
    assert user.session_version == 1


def test_the_database_storage_counts_in_fixed_windows(db_engine: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(rate_limit_store.time, "time", lambda: now[0])
    storage = DatabaseStorage("plancascade-db://", engine=db_engine)
    assert storage.check() and storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("other", 60, amount=5) == 5
    assert storage.get("k") == 3 and storage.get_expiry("k") == 1_000_060.0
    now[0] += 61  # the window ended: the count starts again, ended windows are dropped
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1 and storage.get("other") == 0
    storage.clear("k")
    assert storage.get("k") == 0
    storage.incr("k", 60)
    assert storage.reset() == 1
    with pytest.raises(ValueError, match="engine"):
        DatabaseStorage("plancascade-db://")
