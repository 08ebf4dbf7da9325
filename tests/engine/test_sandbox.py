"""The script sandbox refuses imports, dunder escapes, file access and runaway loops.

(Run-away scripts, size limits and timer ranges in detail: test_script_limits.py.)"""
from __future__ import annotations

import pytest

from engine.core.errors import ScriptRefusedError
from engine.workflow.sandbox import SandboxEnvironment, collect_effects


@pytest.fixture
def env() -> SandboxEnvironment:
    return SandboxEnvironment()


@pytest.mark.parametrize("expression", [
    "__import__('os')",
    "__import__('os').system('id')",
    "().__class__.__base__.__subclasses__()",
    "[c for c in ().__class__.__mro__]",
    "(x for x in []).gi_frame.f_back",
    "'{0.__class__}'.format(1)",
    "data['__builtins__']",
    "2 ** 1000000",
])
def test_dangerous_expressions_are_refused(env: SandboxEnvironment, expression: str) -> None:
    with pytest.raises(ScriptRefusedError):
        env.evaluate(expression, {"data": {}})


def test_open_is_not_available(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptRefusedError, match="'open' không có trong danh sách"):
        env.evaluate("open('/etc/passwd')", {})


def test_builtins_cannot_be_reached_through_eval_or_exec(env: SandboxEnvironment) -> None:
    for name in ("eval", "exec", "compile", "getattr", "globals", "vars", "type"):
        with pytest.raises(ScriptRefusedError, match=f"Tên '{name}' chưa có giá trị"):
            env.evaluate(f"{name}", {})
        with pytest.raises(ScriptRefusedError, match="không có trong danh sách được phép"):
            env.evaluate(f"{name}('1')", {})


@pytest.mark.parametrize("script", [
    "import os",
    "from os import system",
    "global x\nx = 1",
    "class A:\n    pass",
    "def f(_x):\n    return _x",
])
def test_forbidden_statements_are_refused(env: SandboxEnvironment, script: str) -> None:
    with pytest.raises(ScriptRefusedError):
        env.execute(script, {})


def test_endless_loop_is_refused_before_it_runs(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptRefusedError, match="vòng lặp while.*dòng 2"):
        env.execute("n = 0\nwhile True:\n    n = n + 1", {})


def test_huge_range_is_refused(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptRefusedError):
        env.evaluate("sum(range(100000000))", {})


def test_ordinary_conditions_and_scripts_work(env: SandboxEnvironment) -> None:
    assert env.evaluate('decision == "approve"', {"decision": "approve"}) is True
    assert env.evaluate("max(kpis) > 50 and len(kpis) == 3", {"kpis": [40, 60, 70]}) is True
    assert env.evaluate('f"P{grace_days}D"', {"grace_days": 5}) == "P5D"
    assert env.evaluate('{"unit_id": unit_id, "round": round}',
                        {"unit_id": 7, "round": "q1"}) == {"unit_id": 7, "round": "q1"}
    data = {"a": 2}
    env.execute("b = a * 3\nc = min(b, 10)", data)
    assert data == {"a": 2, "b": 6, "c": 6}


def test_if_else_and_new_variables_land_in_the_task_data(env: SandboxEnvironment) -> None:
    data: dict[str, object] = {"score": 72, "name": " Mường La "}
    env.execute('if score >= 70:\n    grade = "đạt"\nelif score >= 50:\n    grade = "gần đạt"\n'
                'else:\n    grade = "chưa đạt"\nlabel = name.strip().upper()\ncount = 1\n'
                "count += 2", data)
    assert data == {"score": 72, "name": " Mường La ", "grade": "đạt", "label": "MƯỜNG LA",
                    "count": 3}


def test_a_failing_script_leaves_the_task_data_untouched(env: SandboxEnvironment) -> None:
    data = {"a": 1}
    with pytest.raises(ScriptRefusedError, match="chia cho 0"):
        env.execute("b = 2\nc = a / 0", data)
    assert data == {"a": 1}


def test_script_functions_record_effects(env: SandboxEnvironment) -> None:
    with collect_effects() as effects:
        env.execute('notify(["unit_staff", "unit_leader"], "due")\nescalate("province_leader")', {})
    assert effects.notifications == [(("unit_staff", "unit_leader"), "due")]
    assert effects.escalations == ["province_leader"]
