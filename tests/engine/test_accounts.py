"""engine.core.accounts: sign-in checks, identities, actors and password changes."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core import accounts
from engine.core.errors import FieldErrors
from engine.demo import seed_data as demo_data
from models import User


@pytest.fixture
def people(session: Session) -> None:
    """The units and demo accounts."""
    demo_data.create_demo_users(session, demo_data.load_units(session))
    session.commit()


def _user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def test_authenticate(session: Session, people: None) -> None:
    identity = accounts.authenticate(session, " muong-la.leader ", "demo")
    assert identity is not None and identity.unit_name == "Xã Mường La"
    assert identity.roles == ("unit_leader",) and identity.role_labels == ("Lãnh đạo đơn vị",)
    assert accounts.authenticate(session, "muong-la.leader", "sai") is None
    assert accounts.authenticate(session, "khong-co", "demo") is None


def test_inactive_users_have_no_identity(session: Session, people: None) -> None:
    user = _user(session, "muong-la.staff")
    assert accounts.identity(session, user.id) is not None
    user.active = False
    session.flush()
    assert accounts.identity(session, user.id) is None
    # a deactivated account is refused exactly as a wrong password is
    assert accounts.authenticate(session, "muong-la.staff", "demo") is None


def test_actor_holds_the_users_grants(session: Session, people: None) -> None:
    user = _user(session, "skhcn.staff")
    actor = accounts.actor(session, user.id)
    assert actor.is_province_wide and actor.holds("dost_staff")
    assert accounts.actor(session, 10**9).grants == ()


def test_change_password(session: Session, people: None) -> None:
    user = _user(session, "muong-la.staff")
    before = accounts.identity(session, user.id)
    with pytest.raises(FieldErrors) as caught:
        accounts.change_password(session, user.id, "sai", "ngan", "khac")
    assert caught.value.errors == {
        "current_password": "Mật khẩu hiện tại không đúng",
        "new_password": "Mật khẩu mới cần ít nhất 8 ký tự",
        "confirm_password": "Xác nhận mật khẩu không khớp"}
    with pytest.raises(FieldErrors):
        accounts.change_password(session, user.id, "demo", "demo", "demo")
    after = accounts.change_password(session, user.id, "demo", "matkhaumoi", "matkhaumoi")
    assert before is not None and after.fingerprint != before.fingerprint
    assert accounts.authenticate(session, "muong-la.staff", "matkhaumoi") is not None
