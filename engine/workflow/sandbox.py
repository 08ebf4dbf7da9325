"""The restricted environment in which BPMN conditions, scripts and timer expressions run.

Two walls. The first reads the source (`script_language.check_source`): imports, loops,
`try`, definitions, power, shifts, exploding multiplications, names and attributes outside
the whitelists are refused before anything runs — at upload (lint) and again here. The
second runs it (`interpreter`): an evaluator with its own operation budget, wall-clock
deadline and size limits, which a script cannot switch off (it is not a trace hook).

Whatever fails — refused, over a limit, or an ordinary error such as a missing variable —
leaves here as a `ScriptFailedError` (a WorkflowException with a Vietnamese message), and the
script engine adds the step it happened in (`ScriptTaskError`); `engine.workflow.runtime`
then puts the instance in error. Timer values are range-checked as they are evaluated.
Functions such as `notify` only record effects; the engine applies them when it saves.
"""

from __future__ import annotations

from collections import ChainMap
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task as SpiffTask

from engine.core.errors import ScriptRefusedError
from engine.workflow import interpreter, timer_values
from engine.workflow.script_functions import SCRIPT_FUNCTIONS, Effects, collect_effects
from engine.workflow.script_language import SAFE_BUILTINS, check_source

__all__ = [
    "SCRIPT_FUNCTIONS",
    "Effects",
    "SandboxEnvironment",
    "ScriptFailedError",
    "ScriptTaskError",
    "check_source",
    "collect_effects",
    "make_script_engine",
]

FUNCTIONS: dict[str, Any] = {**SAFE_BUILTINS, **SCRIPT_FUNCTIONS}

_PLAIN_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (ZeroDivisionError, "chia cho 0"),
    (KeyError, "không có khóa"),
    (IndexError, "chỉ số nằm ngoài danh sách"),
    (TypeError, "sai kiểu dữ liệu"),
    (ValueError, "giá trị không hợp lệ"),
    (AttributeError, "thuộc tính không hợp lệ"),
)


def describe(exc: BaseException) -> str:
    """Return a Vietnamese sentence for an error raised by a script or an expression."""
    if isinstance(exc, ScriptRefusedError):
        return exc.message
    if isinstance(exc, NameError):
        return f"Biểu thức lỗi: {exc}"
    for kind, text in _PLAIN_ERRORS:
        if isinstance(exc, kind):
            return f"Biểu thức lỗi: {text} ({exc})"
    return f"Biểu thức lỗi: {type(exc).__name__} ({exc})"


class ScriptFailedError(ScriptRefusedError, WorkflowException):
    """A script or expression was refused or failed; `message` says why, in Vietnamese.

    Being a WorkflowException too, it stops SpiffWorkflow the way its own errors do, even
    where SpiffWorkflow calls the environment directly (completion conditions, correlations).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def __str__(self) -> str:
        """Return the message without SpiffWorkflow's trailing notes separator."""
        return self.message


class ScriptTaskError(WorkflowTaskException):
    """A script or expression of a task failed; the message names the step, in Vietnamese."""

    def __init__(self, task: SpiffTask, exc: BaseException) -> None:
        spec = task.task_spec
        label = getattr(spec, "bpmn_name", None) or spec.name
        self.message = f"Bước '{label}' ({getattr(spec, 'bpmn_id', None) or spec.name}): "
        self.message += describe(exc)
        super().__init__(self.message, task=task)

    def __str__(self) -> str:
        """Return the Vietnamese message."""
        return self.message


class SandboxEnvironment(TaskDataEnvironment):
    """A TaskDataEnvironment that checks the source, then runs it in the bounded interpreter."""

    def __init__(self) -> None:
        super().__init__(dict(SCRIPT_FUNCTIONS))

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Evaluate a condition or timer expression with the task data in view."""
        source = expression.strip()  # as lint reads it: surrounding lines and spaces do not count
        try:
            check_source(source, "eval")
            names = ChainMap(context, external_context or {})
            return interpreter.evaluate(source, names, FUNCTIONS)
        except Exception as exc:  # noqa: BLE001 - every failure leaves as one error type
            raise ScriptFailedError(describe(exc)) from exc

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
        """Execute a script task; the variables it assigns land in the task data."""
        try:
            check_source(script, "exec")
            self.check_for_overwrite(context, external_context or {})
            names = ChainMap(context, external_context or {})
            assigned = interpreter.execute(script, names, FUNCTIONS)
        except Exception as exc:  # noqa: BLE001 - every failure leaves as one error type
            raise ScriptFailedError(describe(exc)) from exc
        context.update(assigned)
        return True


class SandboxScriptEngine(PythonScriptEngine):
    """The script engine: sandboxed environment, range-checked timers, Vietnamese errors."""

    def evaluate(
        self, task: SpiffTask, expression: str, external_context: dict[str, Any] | None = None
    ) -> Any:
        """Evaluate `expression` for `task`; a timer expression's value is range-checked."""
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
            timer_values.check_evaluated(task.task_spec, expression, value)
        except Exception as exc:  # noqa: BLE001 - every failure names the task
            raise ScriptTaskError(task, exc) from exc
        return value

    def execute(
        self, task: SpiffTask, script: str, external_context: dict[str, Any] | None = None
    ) -> Any:
        """Execute the script of `task` in its data."""
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as exc:  # noqa: BLE001 - every failure names the task
            raise ScriptTaskError(task, exc) from exc


def make_script_engine() -> PythonScriptEngine:
    """Return the script engine every workflow of the application uses."""
    return SandboxScriptEngine(environment=SandboxEnvironment())
