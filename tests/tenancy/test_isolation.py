"""No province reads or writes another's rows, whatever the route; the Ministry sees roll-ups
only; a scoped session refuses to write another tenant's row; on PostgreSQL, row-level
security hides other tenants' rows from any SQL of a scoped session."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from engine.core import tenancy
from engine.core.db import make_session_factory
from models import HumanTask, HumanTaskStatus, ProcessInstance, Tenant, Unit, User
from tests.conftest import Templates
from tests.tenancy.national_state import nation_db  # noqa: F401  (fixture)
from tests.web.conftest import _dispose, login, make_app

SON_LA_STAFF, LAI_CHAU_STAFF = "skhcn.staff", "lai-chau.skhcn.staff"


@pytest.fixture
def app(nation_db: Engine) -> Iterator[Flask]:  # noqa: F811
    application = make_app(nation_db)
    yield application
    _dispose(application)


@pytest.fixture
def as_user(app: Flask) -> Callable[[str], FlaskClient]:
    def make(username: str) -> FlaskClient:
        client = app.test_client()
        assert login(client, username).status_code == 302
        return client
    return make


def rows_of(session: Session, code: str) -> dict[str, list[str]]:
    """Return one unit, instance and ready task of province `code` as URLs to try."""
    tenant_id = session.scalars(select(Tenant.id).where(Tenant.code == code)).one()
    unit = session.scalars(select(Unit).where(Unit.tenant_id == tenant_id,
                                              Unit.kind == "commune").order_by(Unit.id)).first()
    instance = session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.tenant_id == tenant_id).order_by(ProcessInstance.id)).first()
    task = session.scalars(select(HumanTask.id).where(HumanTask.tenant_id == tenant_id)
                           .order_by(HumanTask.status != HumanTaskStatus.READY,
                                     HumanTask.id.desc())).first()  # a ready one if any
    assert unit is not None and instance is not None and task is not None
    return {"get": [f"/units/{unit.code}", f"/instances/{instance}",
                    f"/instances/{instance}/diagram", f"/tasks/{task}", f"/api/tasks/{task}"],
            "post": [f"/tasks/{task}", f"/api/tasks/{task}/complete", f"/tasks/{task}/claim"]}


@pytest.mark.parametrize(("reader", "owner"), [
    (SON_LA_STAFF, "lai-chau"), (LAI_CHAU_STAFF, "son-la"), ("bo.staff", "son-la"),
    ("bo.staff", "lai-chau"), ("lai-chau.xa-001.staff", "son-la"), ("muong-la.staff", "lai-chau"),
])
def test_no_route_reads_or_writes_another_province(
    nation_db: Engine, as_user: Callable[[str], FlaskClient], reader: str, owner: str,  # noqa: F811
) -> None:
    with make_session_factory(nation_db)() as session:
        urls = rows_of(session, owner)
    client = as_user(reader)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, (reader, url)
    for url in urls["post"]:
        response = client.post(url, json={}) if url.startswith("/api/") else client.post(url)
        assert response.status_code == 404, (reader, url)


def test_lists_and_the_api_show_only_the_own_province(
    as_user: Callable[[str], FlaskClient]
) -> None:
    lai_chau = as_user(LAI_CHAU_STAFF)
    units = lai_chau.get("/api/units").get_json()
    names = [u["name"] for u in (units["items"] if isinstance(units, dict) else units)]
    assert names and all("Sơn La" not in n and n != "Xã Mường La" for n in names)
    status = lai_chau.get("/api/status?per_page=200").get_json()
    assert status["total"] == 18
    son_la = as_user(SON_LA_STAFF).get("/api/status?per_page=200").get_json()
    assert son_la["total"] == 20
    assert "Xã mô phỏng" not in as_user(SON_LA_STAFF).get("/supervision").get_data(as_text=True)


def test_a_province_admin_administers_only_its_province(
    as_user: Callable[[str], FlaskClient]
) -> None:
    page = as_user("lai-chau.admin").get("/admin/users?per_page=200").get_data(as_text=True)
    assert "lai-chau.xa-001.staff" in page and "muong-la.staff" not in page
    assert "skhcn.staff" not in page.replace("lai-chau.skhcn.staff", "")


def test_the_ministry_sees_the_provinces_rolled_up(as_user: Callable[[str], FlaskClient]) -> None:
    client = as_user("bo.staff")
    response = client.get("/supervision")
    assert response.status_code == 302 and response.location.endswith("/supervision/national")
    page = client.get("/supervision/national").get_data(as_text=True)
    for text_ in ("Tỉnh Sơn La", "Tỉnh Lai Châu", "Tỉnh Điện Biên", "45/QĐ-UBND",
                  "Danh sách chậm theo tỉnh", "kế hoạch của tỉnh chậm ban hành"):
        assert text_ in page
    assert "Xã Mường La" not in page and "Xã mô phỏng" not in page  # no unit of a province
    assert as_user(SON_LA_STAFF).get("/supervision/national").status_code == 404


def test_a_scoped_session_refuses_another_tenants_row(nation_db: Engine) -> None:  # noqa: F811
    with make_session_factory(nation_db)() as session:
        other = session.scalars(select(Tenant.id).where(Tenant.code == "son-la")).one()
        mine = session.scalars(select(Tenant.id).where(Tenant.code == "lai-chau")).one()
        tenancy.enter(session, mine)
        assert session.scalars(select(User).where(User.username == SON_LA_STAFF)).first() is None
        session.add(Unit(code="x", name="Xã lạ", kind="commune", tenant_id=other))
        with pytest.raises(tenancy.TenantViolation):
            session.flush()


def test_the_scope_does_not_lead_sqlites_planner_to_the_tenant_index(
    session: Session, world: object
) -> None:
    """Without statistics SQLite took `tenant_id = ?` for as selective as `instance_id = ?` and
    walked the whole province's tasks to find one instance's (O(units) in every completion)."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans with its statistics")
    instance_id = session.scalars(select(ProcessInstance.id)).first()
    tenancy.enter(session, 1)
    seen: list[tuple[str, object]] = []
    connection = session.connection()
    event.listen(connection, "before_cursor_execute",
                 lambda _c, _cur, sql, params, _ctx, _many: seen.append((sql, params)))
    found = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)).all()
    assert found and all(t.instance_id == instance_id for t in found)
    sql, params = seen[-1]
    assert "+human_task.tenant_id = ?" in sql  # still filtered by tenant, by no index
    plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
        f"EXPLAIN QUERY PLAN {sql}", params))  # type: ignore[arg-type]
    assert "ix_human_task_instance_id" in plan and "tenant" not in plan


def test_row_level_security_hides_other_tenants_from_any_sql(
    templates: Templates, tmp_path: object
) -> None:
    if templates.url is None:
        pytest.skip("row-level security is PostgreSQL's (TEST_DATABASE_URL)")
    engine = templates.migrated("rls")  # the schema the migrations build, policies included
    try:
        with make_session_factory(engine)() as session:
            session.add(Tenant(id=2, code="khac", name="Tỉnh khác"))
            session.flush()
            session.add_all([Unit(code="a", name="Xã A", kind="commune", tenant_id=1),
                             Unit(code="b", name="Xã B", kind="commune", tenant_id=2)])
            session.commit()
            tenancy.enter(session, 2)
            assert session.execute(text("SELECT code FROM unit")).scalars().all() == ["b"]
            assert session.execute(text("UPDATE unit SET name = 'x' WHERE code = 'a'")
                                   ).rowcount == 0  # type: ignore[attr-defined]
            with pytest.raises(Exception, match="row-level security"):
                session.execute(text("INSERT INTO unit (code, name, kind, active, tenant_id) "
                                     "VALUES ('c', 'Xã C', 'commune', true, 1)"))
            session.rollback()
            tenancy.enter(session, None)
            assert sorted(session.execute(text("SELECT code FROM unit")).scalars()) == ["a", "b"]
    finally:
        engine.dispose()


def test_every_tenant_owned_table_has_row_level_security(templates: Templates) -> None:
    if templates.url is None:
        pytest.skip("row-level security is PostgreSQL's (TEST_DATABASE_URL)")
    engine = templates.migrated("rls-tables")
    try:
        with engine.connect() as connection:
            policies = {name: set(connection.execute(text(
                "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
                "WHERE c.relrowsecurity AND c.relforcerowsecurity AND p.polname = :name"),
                {"name": name}).scalars()) for name in ("tenant_isolation", "tenant_system")}
        for name, secured in policies.items():
            assert set(tenancy.OWNED_TABLES) <= secured, name
        assert "stage_status_count" in tenancy.OWNED_TABLES
    finally:
        engine.dispose()


def test_only_the_ministry_changes_the_shared_processes(
    as_user: Callable[[str], FlaskClient]
) -> None:
    province = as_user("lai-chau.admin")
    assert province.get("/admin/processes").status_code == 200  # reading is allowed
    for url in ("/admin/processes/unit_plan/validate", "/admin/processes/unit_plan/deploy",
                "/admin/processes/unit_plan/draft"):
        response = province.post(url)
        assert response.status_code == 403, url
        assert "Quy trình dùng chung do Bộ quản lý" in response.get_data(as_text=True)
    ministry = as_user("bo.admin").post("/admin/processes/unit_plan/validate")
    assert ministry.status_code != 403


def test_the_site_is_named_after_the_users_province(
    app: Flask, as_user: Callable[[str], FlaskClient]
) -> None:
    for username, brand in ((SON_LA_STAFF, "Chuyển đổi số Sơn La"),
                            (LAI_CHAU_STAFF, "Chuyển đổi số Lai Châu"),
                            ("bo.staff", "Chuyển đổi số quốc gia")):
        page = as_user(username).get("/").get_data(as_text=True)
        assert f">{brand}</a>" in page, username
    assert "Chuyển đổi số tỉnh Sơn La</title>" in app.test_client().get(
        "/login").get_data(as_text=True)


def test_api_status_takes_the_own_province_by_its_name_or_code(
    as_user: Callable[[str], FlaskClient]
) -> None:
    client = as_user(LAI_CHAU_STAFF)
    for name in ("Tỉnh Lai Châu", "lai-chau", "Lai Châu"):
        assert client.get(f"/api/status?province={name}").status_code == 200, name
    refused = client.get("/api/status?province=Tỉnh Sơn La")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "Hệ thống này không quản lý tỉnh “Tỉnh Sơn La”"
