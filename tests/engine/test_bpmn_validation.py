"""Malformed and hostile BPMN is refused with a clear, located message; good files pass."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.core.errors import InvalidDefinitionError
from engine.core.paths import BPMN_DIR
from engine.workflow import forms
from engine.workflow.parsing import parse_bpmn

UNIT_PLAN = (BPMN_DIR / "unit_plan.bpmn").read_bytes()


def problems_of(xml: bytes) -> list[dict[str, object]]:
    with pytest.raises(InvalidDefinitionError) as caught:
        parse_bpmn(xml, "test.bpmn", forms=forms.known_keys())
    return [p.as_dict() for p in caught.value.problems]


@pytest.mark.parametrize("path", sorted(BPMN_DIR.glob("*.bpmn")), ids=lambda p: p.name)
def test_shipped_processes_pass(path: Path) -> None:
    parsed = parse_bpmn(path.read_bytes(), path.name, forms=forms.known_keys(),
                        library={"unit_plan": UNIT_PLAN})
    assert parsed.process_ids == (path.stem,)


def test_xml_syntax_error_names_the_line() -> None:
    broken = UNIT_PLAN.replace(b"</bpmn:userTask>", b"</bpmn:userTsk>", 1)
    [problem] = problems_of(broken)
    assert "XML không hợp lệ" in str(problem["message"])
    assert isinstance(problem["line"], int) and problem["line"] > 1


def test_missing_start_event() -> None:
    xml = UNIT_PLAN.replace(b"<bpmn:startEvent", b"<bpmn:intermediateThrowEvent").replace(
        b"</bpmn:startEvent>", b"</bpmn:intermediateThrowEvent>")
    messages = [p["message"] for p in problems_of(xml)]
    assert any("sự kiện bắt đầu" in str(m) for m in messages)


def test_unknown_call_target() -> None:
    text = UNIT_PLAN.decode()
    start = text.index('<bpmn:userTask id="dost_review"')
    end = text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    call = ('<bpmn:callActivity id="dost_review" name="Gọi quy trình" calledElement="khong_co">'
            '<bpmn:incoming>flow_leader_approve</bpmn:incoming>'
            '<bpmn:outgoing>flow_dost_decision</bpmn:outgoing></bpmn:callActivity>')
    problems = problems_of((text[:start] + call + text[end:]).encode())
    assert any(p["element"] == "dost_review" and "khong_co" in str(p["message"])
               for p in problems)


def test_bad_condition_expression_is_located() -> None:
    xml = UNIT_PLAN.replace(b'decision == "accept"', b'decision === "accept"', 1)
    problems = problems_of(xml)
    assert str(problems[0]["element"]).startswith("flow_")
    assert "cú pháp" in str(problems[0]["message"])
    assert problems[0]["line"]


def test_hostile_condition_is_refused() -> None:
    xml = UNIT_PLAN.replace(b'decision == "accept"',
                            b"__import__('os').system('id') == 0", 1)
    assert any("bị từ chối" in str(p["message"]) for p in problems_of(xml))


def test_bad_duration_is_refused_at_upload() -> None:
    xml = UNIT_PLAN.replace(b"<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">reminder_at",
                            b"<bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">\"P1X\"", 1)
    xml = xml.replace(b"\"P1X\"</bpmn:timeDate>", b"\"P1X\"</bpmn:timeDuration>", 1)
    problems = problems_of(xml)
    assert any("P1X" in str(p["message"]) and p["element"] == "wait_reminder" for p in problems)


def test_unknown_lane_role() -> None:
    xml = UNIT_PLAN.replace(b'name="dost_staff"', b'name="ke_toan"', 1)
    assert any("ke_toan" in str(p["message"]) for p in problems_of(xml))


def test_unknown_form_key() -> None:
    xml = UNIT_PLAN.replace(b'value="unit_plan_review"', b'value="khong_ton_tai"', 1)
    assert any("khong_ton_tai" in str(p["message"]) for p in problems_of(xml))


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>',
])
def test_entities_are_refused(payload: bytes) -> None:
    assert "DOCTYPE" in str(problems_of(payload)[0]["message"])


def test_oversized_and_empty_files_are_refused() -> None:
    assert "quá lớn" in str(problems_of(b"<a/>" + b" " * (3 * 1024 * 1024))[0]["message"])
    assert "rỗng" in str(problems_of(b"   ")[0]["message"])


def test_not_bpmn() -> None:
    assert "BPMN" in str(problems_of(b"<html><body/></html>")[0]["message"])


def test_validate_command_prints_json_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(b"<not xml")
    missing = tmp_path / "missing.bpmn"
    run = subprocess.run([sys.executable, "-m", "engine.cli", "validate",
                          str(BPMN_DIR / "unit_plan.bpmn"), str(bad), str(missing)],
                         capture_output=True, text=True, check=False)
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert lines[0]["ok"] is True and lines[0]["processes"] == ["unit_plan"]
    assert lines[1]["ok"] is False and lines[1]["problems"][0]["message"]
    assert lines[2]["ok"] is False


def test_message_payload_is_checked_like_any_expression() -> None:
    xml = UNIT_PLAN.replace(b'{"unit_id": unit_id, "plan_id": plan_id}',
                            b'{"unit_id": [unit_id] * 10**9}', 1)
    [problem] = problems_of(xml)
    assert problem["message"] == ("Nội dung thông điệp: Biểu thức bị từ chối: chuỗi hoặc danh "
                                  "sách chỉ được nhân với một hằng số nguyên không quá 1000 "
                                  "(dòng 1 của mã)")
    assert problem["element"] == "notify_accepted"


def test_a_refused_line_of_a_script_is_located_at_its_own_line() -> None:
    script = b'notify(["unit_leader"], "due")'
    line = next(i for i, text in enumerate(UNIT_PLAN.splitlines(), 1) if script in text)
    xml = UNIT_PLAN.replace(script, b"\nx = 1\nif x:\n    import os", 1)
    [problem] = problems_of(xml)
    assert (problem["element"], problem["line"]) == ("remind_due", line + 3)
    assert "import (dòng 4 của mã)" in str(problem["message"])
