"""The restricted environment in which BPMN conditions, scripts and timer expressions run.

Three walls: an AST check (no imports, no global/nonlocal, no class definitions, no names or
attributes starting with "_", no power operator), a whitelist of builtins and names, and a
line budget enforced by a trace function so a runaway loop stops with a clear error.
Functions such as `notify` only record effects; the engine applies them when it saves.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from types import FrameType
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.core.errors import ScriptRefusedError

LINE_BUDGET = 100_000
MAX_RANGE = 10_000

_FORBIDDEN_NODES: dict[type, str] = {
    ast.Import: "không được phép import",
    ast.ImportFrom: "không được phép import",
    ast.Global: "không được phép dùng global",
    ast.Nonlocal: "không được phép dùng nonlocal",
    ast.ClassDef: "không được phép định nghĩa lớp",
    ast.AsyncFunctionDef: "không được phép dùng async",
    ast.Await: "không được phép dùng await",
    ast.Yield: "không được phép dùng yield",
    ast.YieldFrom: "không được phép dùng yield",
}


# Attributes that reach frames, code or globals without a leading underscore.
_FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "gi_frame",
        "gi_code",
        "cr_frame",
        "cr_code",
        "ag_frame",
        "ag_code",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "tb_frame",
        "tb_next",
        "format",
        "format_map",
        "mro",
    }
)


@dataclass
class Effects:
    """What scripts asked for during one engine run: notifications, escalations, cascades."""

    notifications: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)
    cascades: list[tuple[str, str]] = field(default_factory=list)
    aggregations: list[str] = field(default_factory=list)
    inspections: int = 0
    rounds: int = 0

    def __bool__(self) -> bool:
        """Tell whether any effect was requested."""
        return bool(
            self.notifications
            or self.escalations
            or self.cascades
            or self.aggregations
            or self.inspections
            or self.rounds
        )


_effects: ContextVar[Effects | None] = ContextVar("plancascade_effects", default=None)


def _current_effects() -> Effects:
    effects = _effects.get()
    if effects is None:
        raise ScriptRefusedError("Hàm này chỉ dùng được khi quy trình đang chạy")
    return effects


def notify(roles: list[str] | str, kind: str) -> None:
    """Ask the engine to notify the holders of `roles` in the instance's unit."""
    names = (roles,) if isinstance(roles, str) else tuple(str(r) for r in roles)
    _current_effects().notifications.append((names, str(kind)))


def escalate(role: str) -> None:
    """Ask the engine to escalate the instance to `role` (province-wide)."""
    _current_effects().escalations.append(str(role))


def cascade(process_key: str, round_key: str = "") -> None:
    """Ask the engine to start `process_key` (for `round_key`) for every target unit of the plan."""
    _current_effects().cascades.append((str(process_key), str(round_key)))


def aggregate(round_key: str) -> None:
    """Ask the engine to compute the province report of `round_key` and start its review."""
    _current_effects().aggregations.append(str(round_key))


def open_rounds() -> None:
    """Ask the engine to open every report round of the plan's regimes (one instance each)."""
    _current_effects().rounds += 1


def start_inspections() -> None:
    """Ask the engine to start an inspection for every unit selected for inspection."""
    _current_effects().inspections += 1


def _safe_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise ScriptRefusedError(f"range quá lớn (tối đa {MAX_RANGE} phần tử)")
    return result


SAFE_BUILTINS: dict[str, Any] = {
    "abs": abs,
    "all": all,
    "any": any,
    "bool": bool,
    "dict": dict,
    "enumerate": enumerate,
    "float": float,
    "int": int,
    "len": len,
    "list": list,
    "max": max,
    "min": min,
    "range": _safe_range,
    "round": round,
    "set": set,
    "sorted": sorted,
    "str": str,
    "sum": sum,
    "tuple": tuple,
    "zip": zip,
    "True": True,
    "False": False,
    "None": None,
}

SCRIPT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "notify": notify,
    "escalate": escalate,
    "cascade": cascade,
    "aggregate": aggregate,
    "start_inspections": start_inspections,
    "open_rounds": open_rounds,
}


def _refusal(node: ast.AST) -> str | None:
    """Return why `node` is refused, or None when it is allowed."""
    for kind, reason in _FORBIDDEN_NODES.items():
        if isinstance(node, kind):
            return reason
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        return f"không được phép dùng tên bắt đầu bằng '_' ({node.id})"
    if isinstance(node, ast.Attribute) and (
        node.attr.startswith("_") or node.attr in _FORBIDDEN_ATTRIBUTES
    ):
        return f"không được phép truy cập thuộc tính {node.attr}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
        return "không được phép dùng chuỗi chứa '__'"
    if isinstance(node, ast.FunctionDef | ast.Lambda):
        args = node.args.args + node.args.kwonlyargs
        if any(a.arg.startswith("_") for a in args) or getattr(node, "name", "x").startswith("_"):
            return "không được phép dùng tên bắt đầu bằng '_'"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return "không được phép dùng phép lũy thừa (**)"
    return None


@lru_cache(maxsize=2048)
def check_source(source: str, mode: str) -> None:
    """Parse `source` and refuse anything outside the sandbox's language subset."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptRefusedError(f"Biểu thức sai cú pháp: {exc.msg} (dòng {exc.lineno})") from exc
    for node in ast.walk(tree):
        reason = _refusal(node)
        if reason:
            raise ScriptRefusedError(f"Biểu thức bị từ chối: {reason}")


def _run_bounded(fn: Callable[[], Any]) -> Any:
    """Run `fn` under a line budget so an endless loop is stopped."""
    budget = [LINE_BUDGET]

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ScriptRefusedError("Biểu thức chạy quá lâu và đã bị dừng")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return fn()
    finally:
        sys.settrace(previous)


class SandboxEnvironment(TaskDataEnvironment):
    """A TaskDataEnvironment with checked source, whitelisted names and a line budget."""

    def __init__(self) -> None:
        super().__init__(dict(SCRIPT_FUNCTIONS))

    def _globals(self, context: dict[str, Any], external: dict[str, Any] | None) -> dict[str, Any]:
        scope: dict[str, Any] = dict(self.globals)
        scope.update(external or {})
        scope.update(context)
        scope["__builtins__"] = SAFE_BUILTINS
        return scope

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Evaluate a condition or timer expression after checking it."""
        check_source(expression, "eval")
        scope = self._globals(context, external_context)
        return _run_bounded(lambda: eval(expression, scope))  # noqa: S307 - checked above

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
        """Execute a script task after checking it; new variables land in the task data."""
        check_source(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        scope = self._globals(context, external_context)
        before = set(scope)
        _run_bounded(lambda: exec(script, scope))  # noqa: S102 - checked above
        for key, value in scope.items():
            if key == "__builtins__" or callable(value):
                continue
            if key not in before or key in context:
                context[key] = value
        return True


def make_script_engine() -> PythonScriptEngine:
    """Return the script engine every workflow of the application uses."""
    return PythonScriptEngine(environment=SandboxEnvironment())


class collect_effects:
    """Context manager that collects the effects scripts request during engine steps."""

    def __enter__(self) -> Effects:
        self.effects = Effects()
        self._token = _effects.set(self.effects)
        return self.effects

    def __exit__(self, *exc: object) -> None:
        _effects.reset(self._token)
