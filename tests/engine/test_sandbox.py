"""The script sandbox refuses imports, dunder escapes, file access and runaway loops."""
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
    with pytest.raises(NameError):
        env.evaluate("open('/etc/passwd').read()", {})


def test_builtins_cannot_be_reached_through_eval_or_exec(env: SandboxEnvironment) -> None:
    for name in ("eval", "exec", "compile", "getattr", "globals", "vars", "type"):
        with pytest.raises(NameError):
            env.evaluate(f"{name}", {})


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


def test_endless_loop_is_stopped(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptRefusedError, match="quá lâu"):
        env.execute("n = 0\nwhile True:\n    n = n + 1", {})


def test_huge_range_is_refused(env: SandboxEnvironment) -> None:
    with pytest.raises(ScriptRefusedError):
        env.evaluate("sum(range(100000000))", {})


def test_ordinary_conditions_and_scripts_work(env: SandboxEnvironment) -> None:
    assert env.evaluate('decision == "approve"', {"decision": "approve"}) is True
    assert env.evaluate("len([k for k in kpis if k > 50])", {"kpis": [40, 60, 70]}) == 2
    data = {"a": 2}
    env.execute("b = a * 3\nc = min(b, 10)", data)
    assert data == {"a": 2, "b": 6, "c": 6}


def test_script_functions_record_effects(env: SandboxEnvironment) -> None:
    with collect_effects() as effects:
        env.execute('notify(["unit_staff", "unit_leader"], "due")\nescalate("province_leader")', {})
    assert effects.notifications == [(("unit_staff", "unit_leader"), "due")]
    assert effects.escalations == ["province_leader"]
