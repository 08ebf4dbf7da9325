"""BPMN bytes in any encoding the XML parser reads become UTF-8 once, for the CLI and the web
alike: UTF-8 stays byte for byte, others are decoded as their BOM or declaration says, with the
declaration rewritten and every line kept where it was."""

from __future__ import annotations

import pytest
from lxml import etree

from engine.core.errors import InvalidDefinitionError
from engine.core.paths import BPMN_DIR
from engine.workflow.parsing import parse_bpmn
from engine.workflow.xml_source import source_encoding, to_utf8

UNIT_PLAN = (BPMN_DIR / "unit_plan.bpmn").read_bytes()
DOC = '<?xml version="1.0" encoding="{}"?>\n<a>\n  <b t="Sơn La"/>\n</a>\n'


def attribute(data: bytes) -> str:
    """Return the test document's attribute as the XML parser reads it."""
    return str(etree.fromstring(data).find("b").get("t"))  # type: ignore[union-attr]


def test_utf8_comes_back_unchanged() -> None:
    assert to_utf8(UNIT_PLAN) is UNIT_PLAN


@pytest.mark.parametrize("codec, declared, expected", [
    ("windows-1258", "windows-1258", "windows-1258"),
    ("utf-16", "UTF-16", "utf-16"),
    ("utf-16-le", "UTF-16", "utf-16-le"),
    ("utf-16-be", "UTF-16", "utf-16-be"),
    ("utf-32", "UTF-32", "utf-32"),
    ("utf-8-sig", "UTF-8", "utf-8-sig"),
])
def test_other_encodings_become_utf8_with_their_lines(codec, declared, expected) -> None:
    data = DOC.format(declared).encode(codec)
    assert source_encoding(data) == expected
    converted = to_utf8(data)
    assert converted.decode("utf-8") == DOC.format("UTF-8")
    assert attribute(converted) == attribute(data) == "Sơn La"


def test_latin1_declared_in_the_prolog() -> None:
    data = DOC.format("ISO-8859-1").replace("Sơn La", "Café").encode("iso-8859-1")
    assert b'encoding="UTF-8"' in to_utf8(data)
    assert attribute(to_utf8(data)) == "Café"


def test_an_unknown_encoding_is_a_problem_in_vietnamese() -> None:
    with pytest.raises(InvalidDefinitionError) as refused:
        to_utf8(DOC.format("x-khong-co").encode("ascii", errors="replace"))
    assert "bảng mã X-KHONG-CO" in refused.value.problems[0].message


def test_problems_in_a_utf16_file_name_the_same_line() -> None:
    broken = UNIT_PLAN.replace(b"<bpmn:message ", b"<bpmn:message <", 1)
    line = broken[: broken.index(b"<bpmn:message <")].count(b"\n") + 1
    for data in (broken, broken.decode("utf-8").encode("utf-16")):
        with pytest.raises(InvalidDefinitionError) as refused:
            parse_bpmn(data)
        assert refused.value.problems[0].line == line


def test_a_parsed_utf16_document_keeps_utf8_bytes() -> None:
    parsed = parse_bpmn(UNIT_PLAN.decode("utf-8").encode("utf-16"))
    assert parsed.xml == UNIT_PLAN and parsed.process_ids == ("unit_plan",)
