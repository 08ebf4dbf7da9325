"""The answers to an ad-hoc request as .docx: one per unit (its questions and answers, the
request cited), and Sở KHCN's compilation (who answered; one row per unit per question)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlalchemy.orm import Session

from engine.core import clock
from engine.core.errors import NotFoundError
from engine.demo.bootstrap import at
from engine.documents import adhoc_answers
from engine.processes import adhoc_requests
from tests.documents.conftest import to_pdf
from tests.documents.test_unit_report_docx import texts
from tests.engine.test_adhoc_requests import answer, request_input, unit


def test_answers_to_2842_per_unit_and_compiled(
    session: Session, world: Any, tmp_path: Path
) -> None:
    plan, cast = world
    clock.set_now(at(date(2026, 4, 16), 9))
    adhoc_requests.issue(session, cast.actor("dost_staff", None), plan.id, request_input(session))
    session.commit()
    answer(session, cast, "muong-la", "2026-04-20T09:00+07:00")
    commune = unit(session, "muong-la")
    own = adhoc_answers.build_unit(session, cast.actor("unit_staff", commune.id), plan,
                                   "muong-la", "r1")
    document = Document(io.BytesIO(own))
    found = texts(document)
    assert "Kính gửi: UBND tỉnh Sơn La." in found
    assert any(t.startswith("Thực hiện Công văn số 2842/UBND-NC ngày 16/04/2026 của UBND tỉnh "
                            "Sơn La về việc báo cáo tình hình tập huấn kỹ năng số") for t in found)
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows == [
        list(adhoc_answers.ANSWER_HEADS),
        ["1", "Số lớp tập huấn kỹ năng số đã tổ chức (lớp)", "3 lớp"],
        ["2", "Đã có Tổ công nghệ số cộng đồng?", "Có"],
        ["3", "Ghi chú", "Đã tập huấn"],
    ]
    heading = document.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN" in heading[0].text and "XÃ MƯỜNG LA" in heading[0].text
    assert "Số: 15/BC-UBND" in heading[0].text and "BC-UBND/BC-UBND" not in heading[0].text
    assert to_pdf(own, tmp_path).startswith(b"%PDF")
    with pytest.raises(NotFoundError):
        adhoc_answers.build_unit(session, cast.actor("unit_staff", commune.id), plan,
                                 "to-hieu", "r1")
    compiled = adhoc_answers.build_compiled(session, cast.actor("dost_staff", None), plan, "r1")
    document = Document(io.BytesIO(compiled))
    found = texts(document)
    assert any("3 đơn vị được yêu cầu báo cáo; 1 đơn vị đã gửi (0 gửi quá hạn), 2 đơn vị chưa "
               "gửi" in t for t in found)
    first = {row.cells[1].text: row.cells[2].text for row in document.tables[1].rows[1:]}
    assert first == {commune.name: "3 lớp", "Phường Tô Hiệu": "Chưa gửi báo cáo",
                     "Phường Chiềng An": "Chưa gửi báo cáo"}
    with pytest.raises(NotFoundError):
        adhoc_answers.build_compiled(session, cast.actor("unit_staff", commune.id), plan, "r1")
