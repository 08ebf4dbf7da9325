"""The role and visibility predicates of engine.core.permissions, on hand-made actors."""

from __future__ import annotations

import pytest

from engine.core.permissions import (
    Actor,
    Grant,
    acts_province_wide,
    can_act,
    can_see_unit,
    may_act_on_task,
    may_administer,
    may_browse_units,
    may_decide_extension,
    may_request_extension,
    may_supervise,
    may_withdraw_plan,
)
from models import HumanTaskStatus, Role

MY_UNIT, OTHER_UNIT = 10, 20
ME, COLLEAGUE = 1, 2


def actor(*grants: Grant) -> Actor:
    """An actor of unit MY_UNIT holding `grants`."""
    return Actor(user_id=ME, unit_id=MY_UNIT, grants=grants)


def province(role: Role) -> Actor:
    """An actor holding a province-wide `role`, as grants_of gives it."""
    return actor(Grant(role, None))


def in_unit(role: Role, unit_id: int = MY_UNIT) -> Actor:
    """An actor holding a unit `role` in `unit_id`."""
    return actor(Grant(role, unit_id))


NOBODY = actor()
UNIT_STAFF = in_unit(Role.UNIT_STAFF)
UNIT_LEADER = in_unit(Role.UNIT_LEADER)
DOST_STAFF = province(Role.DOST_STAFF)
DOST_LEADER = province(Role.DOST_LEADER)
PROVINCE_LEADER = province(Role.PROVINCE_LEADER)
INSPECTOR = province(Role.INSPECTOR)
ADMIN = province(Role.ADMIN)


@pytest.mark.parametrize(
    ("role", "wide"),
    [
        (Role.UNIT_STAFF, False),
        (Role.UNIT_LEADER, False),
        (Role.DOST_STAFF, True),
        (Role.DOST_LEADER, True),
        (Role.PROVINCE_LEADER, True),
        (Role.INSPECTOR, True),
        (Role.ADMIN, True),
    ],
)
def test_which_roles_act_province_wide(role: Role, wide: bool) -> None:
    assert acts_province_wide(role) is wide


def test_can_act_needs_the_role_in_the_unit_or_everywhere() -> None:
    assert can_act(UNIT_STAFF, Role.UNIT_STAFF, MY_UNIT)
    assert not can_act(UNIT_STAFF, Role.UNIT_STAFF, OTHER_UNIT)
    assert not can_act(UNIT_STAFF, Role.UNIT_LEADER, MY_UNIT)
    assert can_act(DOST_STAFF, Role.DOST_STAFF, OTHER_UNIT)
    assert not can_act(DOST_STAFF, Role.DOST_LEADER, OTHER_UNIT)
    assert not can_act(NOBODY, Role.UNIT_STAFF, MY_UNIT)


def test_a_unit_sees_only_itself_and_province_roles_see_all() -> None:
    assert can_see_unit(UNIT_STAFF, MY_UNIT)
    assert not can_see_unit(UNIT_STAFF, OTHER_UNIT)
    assert can_see_unit(INSPECTOR, OTHER_UNIT)
    assert not can_see_unit(NOBODY, MY_UNIT)


@pytest.mark.parametrize(
    ("who", "browse", "administer", "supervise", "decide", "withdraw"),
    [
        (NOBODY, False, False, False, False, False),
        (UNIT_STAFF, False, False, False, False, False),
        (UNIT_LEADER, False, False, False, False, False),
        (DOST_STAFF, True, False, True, True, False),
        (DOST_LEADER, True, False, True, True, True),
        (PROVINCE_LEADER, True, False, True, False, False),
        (INSPECTOR, True, False, False, False, False),
        (ADMIN, True, True, True, False, False),
    ],
)
def test_province_wide_predicates_by_role(
    who: Actor, browse: bool, administer: bool, supervise: bool, decide: bool, withdraw: bool
) -> None:
    assert may_browse_units(who) is browse
    assert may_administer(who) is administer
    assert may_supervise(who) is supervise
    assert may_decide_extension(who) is decide
    assert may_withdraw_plan(who) is withdraw


def test_supervision_needs_a_province_wide_grant() -> None:
    # A supervising role bound to one unit (not something grants_of hands out) does not count.
    assert not may_supervise(in_unit(Role.DOST_STAFF))
    assert may_supervise(actor(Grant(Role.UNIT_STAFF, MY_UNIT), Grant(Role.PROVINCE_LEADER, None)))


def test_only_the_units_own_staff_and_leader_request_extensions() -> None:
    assert may_request_extension(UNIT_STAFF, MY_UNIT)
    assert may_request_extension(UNIT_LEADER, MY_UNIT)
    assert not may_request_extension(UNIT_STAFF, OTHER_UNIT)
    assert not may_request_extension(in_unit(Role.UNIT_LEADER, OTHER_UNIT), MY_UNIT)
    for who in (DOST_STAFF, DOST_LEADER, PROVINCE_LEADER, INSPECTOR, ADMIN, NOBODY):
        assert not may_request_extension(who, MY_UNIT)


def test_a_substitutes_grants_count_like_their_own() -> None:
    # The inspector standing in for Sở KHCN's leader: grants as actor_for builds them.
    stand_in = actor(Grant(Role.INSPECTOR, None), Grant(Role.DOST_LEADER, None, on_behalf_of=7))
    assert may_supervise(stand_in)
    assert may_decide_extension(stand_in)
    assert may_withdraw_plan(stand_in)
    assert not may_administer(stand_in)
    # A staff member standing in for the unit's leader.
    deputy = actor(Grant(Role.UNIT_STAFF, MY_UNIT), Grant(Role.UNIT_LEADER, MY_UNIT, 7))
    assert can_act(deputy, Role.UNIT_LEADER, MY_UNIT)
    assert not may_supervise(deputy)


READY = HumanTaskStatus.READY


def test_may_act_on_a_ready_task_of_ones_role_in_ones_unit() -> None:
    assert may_act_on_task(UNIT_STAFF, Role.UNIT_STAFF, MY_UNIT, READY, None)
    assert may_act_on_task(DOST_STAFF, Role.DOST_STAFF, OTHER_UNIT, READY, None)


@pytest.mark.parametrize(
    "status", [HumanTaskStatus.COMPLETED, HumanTaskStatus.CANCELLED, "unknown"]
)
def test_may_not_act_on_a_task_that_is_not_ready(status: str) -> None:
    assert not may_act_on_task(UNIT_STAFF, Role.UNIT_STAFF, MY_UNIT, status, None)


def test_may_not_act_without_the_role_in_the_tasks_unit() -> None:
    assert not may_act_on_task(UNIT_STAFF, Role.UNIT_LEADER, MY_UNIT, READY, None)
    assert not may_act_on_task(UNIT_STAFF, Role.UNIT_STAFF, OTHER_UNIT, READY, None)
    assert not may_act_on_task(UNIT_LEADER, Role.UNIT_STAFF, MY_UNIT, READY, None)
    assert not may_act_on_task(ADMIN, Role.DOST_STAFF, MY_UNIT, READY, None)


def test_a_claim_reserves_the_task_for_its_claimer() -> None:
    assert may_act_on_task(UNIT_STAFF, Role.UNIT_STAFF, MY_UNIT, READY, ME)
    assert not may_act_on_task(UNIT_STAFF, Role.UNIT_STAFF, MY_UNIT, READY, COLLEAGUE)
