"""`plancascade export KIND [--unit] [--stage] -o FILE`: the pages' documents for scripting."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from docx import Document
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.documents.test_unit_report_docx import report_q1, texts


def export(session: Session, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    root = str(Path(__file__).resolve().parents[2])  # this checkout, whatever is installed
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": root}
    return subprocess.run([sys.executable, "-m", "engine.cli", "export", *args],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


def test_export_writes_each_kind_and_says_what_is_missing(
    session: Session, world: Any, tmp_path: Path
) -> None:
    _, cast = world
    report_q1(session, cast, "van-phong-ubnd-tinh")
    done = export(session, tmp_path, "unit-report", "--unit", "van-phong-ubnd-tinh",
                  "--stage", "q1", "-o", "q1.docx")
    assert done.returncode == 0, done.stderr
    assert any("VĂN PHÒNG UBND TỈNH" in t
               for t in texts(Document(io.BytesIO((tmp_path / "q1.docx").read_bytes()))))
    assert export(session, tmp_path, "province-report", "--stage", "q1",
                  "-o", "tinh.docx").returncode == 0
    assert export(session, tmp_path, "matrix", "-o", "matrix.xlsx").returncode == 0
    assert load_workbook(tmp_path / "matrix.xlsx").sheetnames
    assert export(session, tmp_path, "plan", "--year", "2026", "-o", "plan.xlsx").returncode == 0
    assert load_workbook(tmp_path / "plan.xlsx").sheetnames[0] == "Phụ lục I"
    missing = export(session, tmp_path, "unit-plan", "-o", "x.docx")
    assert missing.returncode == 2 and "Cần chỉ rõ --unit" in missing.stderr
    assert not (tmp_path / "x.docx").exists()
    unknown = export(session, tmp_path, "unit-report", "--unit", "khong-co", "--stage", "q1",
                     "-o", "y.docx")
    assert unknown.returncode == 2 and "Không tìm thấy đơn vị" in unknown.stderr
