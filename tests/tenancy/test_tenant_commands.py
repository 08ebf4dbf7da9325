"""A Ministry's installation set up from the command line: the nation, a province, its first
administrator and its units (real processes, as the administrator of the server runs them)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import Tenant, TenantLevel, Unit, User
from tests.conftest import Templates
from tests.engine.test_cli_first_run import plancascade as on_sqlite
from tests.engine.test_unit_import import people_rows, province_rows, workbook

ROOT = Path(__file__).resolve().parents[2]


def run(engine: Engine, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    env.pop("PLANCASCADE_NOW", None)
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_sqlite_keeps_one_province(tmp_path: Path) -> None:
    refused = on_sqlite(tmp_path / "one.db", "add-tenant", "bo-khcn", "Bộ KHCN", "--nation")
    assert refused.returncode == 2
    assert "Hệ thống nhiều cấp (Bộ và các tỉnh) chạy trên PostgreSQL" in refused.stderr


def test_a_ministry_adds_provinces_and_each_gets_its_admin_and_units(
    templates: Templates, tmp_path: Path
) -> None:
    if templates.url is None:
        pytest.skip("a nation of provinces runs on PostgreSQL (TEST_DATABASE_URL)")
    db = templates.migrated("cli-nation")
    plancascade = lambda *args, stdin="": run(db, *args, stdin=stdin)  # noqa: E731
    nation = plancascade("add-tenant", "bo-khcn", "Bộ Khoa học và Công nghệ", "--nation")
    assert nation.returncode == 0, nation.stderr
    assert "Đã thêm Bộ Khoa học và Công nghệ (bo-khcn)." in nation.stderr
    for code, name in (("lai-chau", "Tỉnh Lai Châu"), ("son-la", "Tỉnh Sơn La")):
        assert plancascade("add-tenant", code, name).returncode == 0
    again = plancascade("add-tenant", "lai-chau", "Tỉnh Lai Châu")
    assert again.returncode == 2 and "Mã 'lai-chau' đã được dùng" in again.stderr
    second = plancascade("add-tenant", "bo-2", "Bộ khác", "--nation")
    assert second.returncode == 2 and "Hệ thống đã có cấp Bộ" in second.stderr
    listed = [json.loads(line) for line in plancascade("tenants").stdout.splitlines()]
    assert [(t["code"], t["parent"]) for t in listed] == [
        ("bo-khcn", None), ("lai-chau", "bo-khcn"), ("son-la", "bo-khcn")]

    admin = plancascade("create-admin", "lai-chau.admin", "--tenant", "lai-chau",
                        stdin="mat-khau-dai\n")
    assert admin.returncode == 0, admin.stderr
    unknown = plancascade("create-admin", "x.admin", "--tenant", "ha-giang", stdin="x" * 9)
    assert unknown.returncode == 2 and "Không có tỉnh hay cấp Bộ mã 'ha-giang'" in unknown.stderr
    data = workbook(province_rows(), people_rows())
    (tmp_path / "units.xlsx").write_bytes(data)
    imported = plancascade("import-units", str(tmp_path / "units.xlsx"), "--tenant", "lai-chau")
    assert imported.returncode == 0, imported.stderr
    # the same unit codes in another province; its accounts' usernames are taken nationally
    taken = plancascade("import-units", str(tmp_path / "units.xlsx"), "--tenant", "son-la")
    assert taken.returncode == 2 and "đã tồn tại" in taken.stderr, taken.stderr
    (tmp_path / "units2.xlsx").write_bytes(workbook(province_rows(), []))
    second = plancascade("import-units", str(tmp_path / "units2.xlsx"), "--tenant", "son-la")
    assert second.returncode == 0, second.stderr

    with Session(db) as session:
        tenants = {t.code: t for t in session.scalars(select(Tenant))}
        assert tenants["bo-khcn"].level == TenantLevel.NATION and tenants["bo-khcn"].id == 1
        user = session.scalars(select(User).where(User.username == "lai-chau.admin")).one()
        assert user.tenant_id == tenants["lai-chau"].id
        units = session.scalars(select(Unit).where(Unit.code != "quan-tri-he-thong")).all()
        by_tenant = {t: sorted(u.code for u in units if u.tenant_id == t)
                     for t in (tenants["lai-chau"].id, tenants["son-la"].id)}
        assert by_tenant[tenants["lai-chau"].id] and len(set(map(tuple, by_tenant.values()))) == 1
    db.dispose()
