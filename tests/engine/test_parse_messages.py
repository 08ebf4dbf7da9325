"""Broken BPMN files and expressions are told what is wrong in Vietnamese, with the place: no
English text of lxml, the BPMN schema, SpiffWorkflow or Python reaches the user."""
from __future__ import annotations

import re

import pytest

from engine.core.errors import InvalidDefinitionError, ScriptRefusedError
from engine.core.paths import BPMN_DIR
from engine.workflow import parse_messages, script_language
from engine.workflow.parsing import parse_bpmn

GOOD = (BPMN_DIR / "unit_plan.bpmn").read_bytes()
ENGLISH = re.compile(r"\b(error|line|column|expected|tag|mismatch|element|attribute|invalid|"
                     r"not|found|missing|the|is|of|and|value|syntax|namespace|defined)\b", re.I)

BROKEN = {
    "tags that do not match": GOOD.replace(b"</bpmn:userTask>", b"</bpmn:task>", 1),
    "a file cut in half": GOOD[: len(GOOD) // 2],
    "an unquoted attribute": GOOD.replace(b'isExecutable="true"', b"isExecutable=true", 1),
    "a bare ampersand": GOOD.replace(b'name="', b'name="a & b ', 1),
    "an undeclared prefix": GOOD.replace(b"<bpmn:laneSet", b"<x:y/><bpmn:laneSet", 1),
    "invalid UTF-8": GOOD.replace(b"<bpmn:laneSet", b"<!-- \xff\xfe --><bpmn:laneSet", 1),
    "text before the root": b"hello" + GOOD[GOOD.index(b"<bpmn:definitions"):],
    "an element the schema refuses": GOOD.replace(b"<bpmn:laneSet", b"<bpmn:foo/><bpmn:laneSet", 1),
    "an attribute the schema refuses": GOOD.replace(b"<bpmn:laneSet", b'<bpmn:laneSet x="1"', 1),
    "a duplicate id": GOOD.replace(b'id="lane_unit_leader"', b'id="lane_unit_staff"', 1),
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_file_is_told_in_vietnamese_with_its_line(broken: bytes) -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        parse_bpmn(broken, "hong.bpmn")
    [problem] = caught.value.problems
    assert problem.message.startswith(("XML không hợp lệ: ", "Lỗi cấu trúc BPMN: "))
    assert ENGLISH.search(problem.message) is None, problem.message
    assert problem.line is not None and problem.line > 0


def test_mismatched_tags_name_both_tags_and_where() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        parse_bpmn(BROKEN["tags that do not match"], "hong.bpmn")
    [problem] = caught.value.problems
    assert re.fullmatch(r"XML không hợp lệ: Thẻ <userTask> mở ở dòng \d+ nhưng lại đóng bằng "
                        r"</task> \(dòng \d+, cột \d+\)", problem.message)


@pytest.mark.parametrize(("text", "said"), [
    ("No start event found", "Quy trình không có sự kiện bắt đầu"),
    ("Process p1 is not executable.", "Quy trình 'p1' chưa được đánh dấu thực thi"),
    ("The process 'khac' was not found. Did you mean one of the following: ",
     "Không tìm thấy quy trình được gọi 'khac'"),
    ("Non-default exclusive outgoing sequence flow without condition",
     "Nhánh ra của cổng rẽ nhánh"),
    ("Something SpiffWorkflow may say one day", "tệp không đúng chuẩn BPMN 2.0"),
])
def test_spiffworkflow_complaints_are_translated(text: str, said: str) -> None:
    message = parse_messages.structure_error(text)
    assert said in message and ENGLISH.search(message) is None


@pytest.mark.parametrize(("source", "said"), [
    ("(1 + 2", "dấu '(' chưa được đóng"),
    ("f(1))", "dấu ')' không có dấu mở tương ứng"),
    ('"abc', "chuỗi chưa có dấu nháy đóng"),
    ("a ==", "Biểu thức sai cú pháp"),
    ("1 +* 2", "Biểu thức sai cú pháp"),
])
def test_an_expression_with_bad_syntax_is_told_in_vietnamese(source: str, said: str) -> None:
    with pytest.raises(ScriptRefusedError) as caught:
        script_language.parse(source, "eval")
    message = str(caught.value)
    assert said in message and "dòng 1" in message
    assert ENGLISH.search(message) is None, message
