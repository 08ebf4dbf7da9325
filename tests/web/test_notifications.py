"""Thông báo: each user reads the notifications of their roles, in their unit or province-wide."""
from __future__ import annotations

from datetime import timedelta

from engine.core import clock
from models import Notification
from tests.web.conftest import text, unit_id


def _notify(fresh, unit_code: str, role: str, message: str, count: int = 1) -> None:
    with fresh() as session:
        unit = unit_id(session, unit_code)
        start = clock.now()
        for index in range(count):
            session.add(Notification(unit_id=unit, recipient_role=role, kind="escalation"
                                     if role == "province_leader" else "reminder_before",
                                     message=f"{message} {index}",
                                     created_at=start + timedelta(minutes=index)))
        session.commit()


def test_unit_staff_sees_only_their_units_notifications(signed_in, fresh) -> None:
    _notify(fresh, "muong-la", "unit_staff", "Nhắc Mường La")
    _notify(fresh, "to-hieu", "unit_staff", "Nhắc Tô Hiệu")
    _notify(fresh, "muong-la", "unit_leader", "Nhắc lãnh đạo Mường La")
    body = text(signed_in("muong-la.staff").get("/notifications"))
    assert "Nhắc Mường La 0" in body and "Nhắc việc" in body
    assert "Tô Hiệu" not in body and "lãnh đạo Mường La" not in body
    assert "2 thông báo" in body  # and the notice of the adoption task the issued plan gave


def test_province_leader_sees_escalations_of_every_unit_newest_first(signed_in, fresh) -> None:
    _notify(fresh, "muong-la", "province_leader", "Chậm trễ", count=55)
    _notify(fresh, "to-hieu", "province_leader", "Tô Hiệu chậm")
    leader = signed_in("ubnd.leader")
    first = text(leader.get("/notifications"))
    assert "56 thông báo" in first and "Báo cáo chậm trễ" in first
    assert first.index("Chậm trễ 54") < first.index("Chậm trễ 53")
    second = text(leader.get("/notifications", query_string={"page": 2}))
    assert second.count("data-notice-id=") == 6  # 56 rows: 50 on page 1, 6 on page 2
    assert "Chậm trễ 0" in second
    assert "Chưa có thông báo nào" in text(signed_in("inspector").get("/notifications"))
