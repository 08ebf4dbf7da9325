"""`GET /api/notifications` mirrors "Thông báo": paginated, unread first, then newest; the menu's
unread badge; a notice's link marks it read and leads to its task; "Đánh dấu đã đọc tất cả";
the substitute's banner on "Công việc của tôi"."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from engine.core import clock
from engine.processes import outbox
from models import Substitution, User
from tests.web.conftest import task_id_of, text, unit_id


def _notify(fresh, count: int, unit_code: str = "muong-la", role: str = "unit_staff") -> None:
    with fresh() as session:
        start = clock.now()
        for index in range(count):
            clock.set_now(start + timedelta(minutes=index + 1))
            outbox.notify(session, unit_id=unit_id(session, unit_code), role=role,
                          kind="reminder_before", message=f"Nhắc việc {index}")
        session.commit()


def test_the_api_pages_my_notices_unread_first_then_newest(signed_in, fresh) -> None:
    _notify(fresh, 5)
    _notify(fresh, 2, "to-hieu")
    staff = signed_in("muong-la.staff")
    body = staff.get("/api/notifications", query_string={"per_page": 4}).get_json()
    assert (body["page"], body["per_page"], body["total"], body["unread"]) == (1, 4, 6, 6)
    assert [i["message"] for i in body["items"]] == [f"Nhắc việc {n}" for n in (4, 3, 2, 1)]
    first = body["items"][0]
    assert set(first) >= {"id", "kind", "kind_name", "message", "unit", "created_at", "read",
                          "link"}
    assert (first["kind"], first["kind_name"], first["unit"], first["read"]) == (
        "reminder_before", "Nhắc việc", "Xã Mường La", False)
    assert first["link"] == "/notifications"  # a notice without an instance
    # reading the newest moves it after every unread one
    assert staff.get(f"/notifications/{first['id']}").status_code == 302
    again = staff.get("/api/notifications", query_string={"per_page": 4, "page": 2}).get_json()
    assert again["unread"] == 5
    # page 1: the four unread reminders; page 2: the unread adoption notice, then the read one
    assert [(i["kind"], i["read"]) for i in again["items"]] == [("new_task", False),
                                                               ("reminder_before", True)]
    assert again["items"][-1]["message"] == "Nhắc việc 4"
    adoption = [i for i in again["items"] + body["items"] if i["kind"] == "new_task"]
    task_id = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    assert [i["link"] for i in adoption] == [f"/tasks/{task_id}"]


def test_the_api_needs_a_sign_in_and_forgives_bad_pages(client, signed_in) -> None:
    assert client.get("/api/notifications").status_code == 401
    body = signed_in("inspector").get(
        "/api/notifications", query_string={"page": "x", "per_page": "100000"}).get_json()
    assert (body["items"], body["page"], body["total"], body["unread"]) == ([], 1, 0, 0)
    assert body["per_page"] == 200


def test_the_menu_counts_unread_and_a_link_marks_read_and_opens_the_task(signed_in,
                                                                         fresh) -> None:
    _notify(fresh, 2)
    staff = signed_in("muong-la.staff")
    page = text(staff.get("/notifications"))
    assert 'id="unread-count"' in page and ">3<" in page  # 2 reminders and the adoption task
    assert "3 chưa đọc" in page
    items = staff.get("/api/notifications").get_json()["items"]
    [adoption] = [i for i in items if i["kind"] == "new_task"]
    opened = staff.get(f"/notifications/{adoption['id']}")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(adoption["link"])
    assert adoption["link"].startswith("/tasks/")
    assert ">2<" in text(staff.get("/"))
    assert signed_in("to-hieu.staff").get(f"/notifications/{adoption['id']}").status_code == 404
    done = staff.post("/notifications/read", follow_redirects=True)
    assert "Đã đánh dấu đã đọc 2 thông báo." in text(done)
    assert 'id="unread-count"' not in text(staff.get("/"))
    assert "Đánh dấu đã đọc tất cả" not in text(staff.get("/notifications"))
    assert staff.get("/api/notifications").get_json()["unread"] == 0


def test_a_substitute_sees_whose_tasks_they_hold_and_until_when(signed_in, fresh) -> None:
    with fresh() as session:
        absent = session.scalars(select(User).where(User.username == "muong-la.leader")).one()
        stand_in = session.scalars(select(User).where(User.username == "muong-la.staff")).one()
        session.add(Substitution(absent_user_id=absent.id, substitute_user_id=stand_in.id,
                                 starts_on=clock.today(), ends_on=date(2026, 3, 15),
                                 created_at=clock.now()))
        session.commit()
        absent_name = absent.full_name
    page = text(signed_in("muong-la.staff").get("/"))
    assert f"Bạn đang ký thay <strong>{absent_name}</strong> đến 15/03/2026" in page
    assert "stand-in-banner" not in text(signed_in("to-hieu.staff").get("/"))
