"""`plancascade create-admin`, `set-password` and `import-units` as an administrator runs them on
a fresh installation (a real process, standard input not a terminal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models import Unit, User
from tests.engine.test_unit_import import people_rows, province_rows, workbook


def plancascade(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    env.pop("PLANCASCADE_NOW", None)
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_fresh_installation_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    short = plancascade(db, "create-admin", "quantri", stdin="ngan\n")
    assert short.returncode == 2 and "Mật khẩu cần ít nhất 8 ký tự" in short.stderr
    made = plancascade(
        db, "create-admin", "quantri", "--name", "Lê Văn Quản", stdin="mat-khau-dai\n"
    )
    assert made.returncode == 0, made.stderr
    assert "Đã tạo tài khoản quản trị quantri" in made.stderr

    book = tmp_path / "don-vi.xlsx"
    book.write_bytes(workbook(province_rows(), people_rows()))
    dry = plancascade(db, "import-units", str(book), "--dry-run")
    assert json.loads(dry.stdout) == {
        "units_created": 92,
        "units_updated": 0,
        "users_created": 3,
        "users_updated": 0,
        "applied": False,
    }
    done = plancascade(db, "import-units", str(book))
    assert json.loads(done.stdout)["applied"] is True

    broken = tmp_path / "loi.xlsx"
    broken.write_bytes(workbook([["x", "Xã X", "huyện", None]]))
    refused = plancascade(db, "import-units", str(broken))
    assert refused.returncode == 2
    assert "Lỗi: Trang 'Đơn vị', dòng 2, cột C (Loại): Loại không hợp lệ" in refused.stderr
    missing = plancascade(db, "import-units", str(tmp_path / "khong-co.xlsx"))
    assert missing.returncode == 2 and "không đọc được tệp" in missing.stderr

    assert plancascade(db, "set-password", "skhcn.staff", stdin="mot-mat-khau\n").returncode == 0
    unknown = plancascade(db, "set-password", "khong-ai", stdin="mot-mat-khau\n")
    assert unknown.returncode == 2 and "Không có tài khoản 'khong-ai'" in unknown.stderr

    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        assert len(session.scalars(select(Unit)).all()) == 93  # with the administrators' unit
        assert {u.username for u in session.scalars(select(User))} == {
            "quantri",
            "skhcn.staff",
            "skhcn.leader",
            "xa-01.staff",
        }
    engine.dispose()
