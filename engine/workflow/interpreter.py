"""The second wall: a bounded interpreter of the script language, built on `simpleeval`.

It does not rely on `script_language.check_source` having run. Each evaluation starts with
a full operation budget and its own wall-clock deadline, both checked before every node the
evaluator visits; it refuses every construct outside the language (loops,
comprehensions, `try`, definitions, power, shifts…) and measures every value it builds:
strings and collections (nested ones counted in) are capped, integers by their bit length.
Multiplication and addition of sequences are checked before they allocate. Statements of a
script run one by one, nested blocks through an explicit stack: nothing here recurses on
the script's control flow, and nothing can be switched off from inside a script.
"""

from __future__ import annotations

import ast
import math
import threading
import time
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import simpleeval

from engine.core.errors import ScriptRefusedError
from engine.workflow.script_language import (
    ALLOWED_ATTRIBUTES,
    ATTRIBUTE_NAMES,
    MAX_INT_BITS,
    MAX_SIZE,
    SAFE_FORMAT_SPEC,
    parse,
    refusal,
)

MAX_OPERATIONS = 100_000
DEADLINE_SECONDS = 1.0  # the issue asks for at most 2 s; glue needs milliseconds

TOO_LONG = f"Mã chạy quá {DEADLINE_SECONDS:g} giây và đã bị dừng"
TOO_MANY = f"Mã vượt quá {MAX_OPERATIONS} bước tính và đã bị dừng"
TOO_BIG = f"Giá trị quá lớn (tối đa {MAX_SIZE} ký tự hoặc phần tử)"
TOO_WIDE = f"Số quá lớn (tối đa {MAX_INT_BITS} bit)"


def refused(node: ast.AST) -> ScriptRefusedError:
    """Return the error for a construct outside the language met at run time."""
    reason = refusal(node) or f"không được phép dùng cú pháp {type(node).__name__}"
    line = getattr(node, "lineno", None)
    where = f" (dòng {line} của mã)" if line else ""
    return ScriptRefusedError(f"Mã bị từ chối khi chạy: {reason}{where}")


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def _safe_mult(a: Any, b: Any) -> Any:
    for seq, count in ((a, b), (b, a)):
        size = _length(seq)
        if size is not None and isinstance(count, int) and size * count > MAX_SIZE:
            raise ScriptRefusedError(TOO_BIG)
    return a * b


def _safe_add(a: Any, b: Any) -> Any:
    left, right = _length(a), _length(b)
    if left is not None and right is not None and left + right > MAX_SIZE:
        raise ScriptRefusedError(TOO_BIG)
    return a + b


def _safe_mod(a: Any, b: Any) -> Any:
    if isinstance(a, str | bytes):
        raise ScriptRefusedError("Không được phép định dạng chuỗi bằng %")
    return a % b


_OPERATORS: dict[type, Callable[..., Any]] = {
    kind: function
    for kind, function in simpleeval.DEFAULT_OPERATORS.items()
    if kind not in (ast.Pow, ast.LShift, ast.RShift)
}
_OPERATORS.update({ast.Mult: _safe_mult, ast.Add: _safe_add, ast.Mod: _safe_mod})

# Nodes that build a new value; reading a name, an attribute or an item builds nothing.
_BUILDERS = (
    ast.BinOp, ast.UnaryOp, ast.Call, ast.JoinedStr, ast.FormattedValue,
    ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Constant,
)  # fmt: skip


def check_size(value: Any) -> None:
    """Refuse `value` when it, counted with everything it contains, exceeds the limits."""
    budget = MAX_SIZE
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, int) and item.bit_length() > MAX_INT_BITS:
            raise ScriptRefusedError(TOO_WIDE)
        budget -= 1
        if isinstance(item, str | bytes):
            budget -= len(item)
        elif isinstance(item, dict):
            budget -= 2 * len(item)
            if budget >= 0:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            budget -= len(item)
            if budget >= 0:
                stack.extend(item)
        if budget < 0:
            raise ScriptRefusedError(TOO_BIG)


_STORABLE = (type(None), bool, int, float, str, datetime, timedelta)


def check_storable(name: str, value: Any) -> None:
    """Refuse a value a script assigned that task data could not store as JSON."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ScriptRefusedError(f"Biến '{name}' có giá trị không hữu hạn ({item})")
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set):
            stack.extend(item)
        elif not isinstance(item, _STORABLE):
            kind = type(item).__name__
            raise ScriptRefusedError(f"Biến '{name}' có giá trị kiểu {kind}, không lưu được")


class _BoundedEval(simpleeval.EvalWithCompoundTypes):  # type: ignore[misc]
    """simpleeval with an operation budget, a deadline and size checks on every built value."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__(
            operators=dict(_OPERATORS),
            functions=dict(functions),
            names={},
            allowed_attrs=ALLOWED_ATTRIBUTES,
        )
        for kind in (ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.Assign, ast.AugAssign):
            self.nodes.pop(kind, None)
        self.functions = dict(functions)  # no list/tuple/dict/set beyond the language's own
        self.source = functions
        self.ATTR_INDEX_FALLBACK = False
        self.busy = False
        self.operations = 0
        self.deadline = 0.0

    def start(self, names: Mapping[str, Any]) -> None:
        """Prepare one evaluation: `names` in view, a full budget, a new deadline."""
        self.names = names
        self.busy = True
        self.operations = 0
        self.deadline = time.monotonic() + DEADLINE_SECONDS

    def step(self) -> None:
        """Count one operation; stop when the budget or the deadline is exceeded."""
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise ScriptRefusedError(TOO_MANY)
        if time.monotonic() > self.deadline:
            raise ScriptRefusedError(TOO_LONG)

    def _eval(self, node: ast.AST) -> Any:
        self.step()
        if type(node) not in self.nodes or (
            isinstance(node, ast.Attribute) and node.attr not in ATTRIBUTE_NAMES
        ):
            raise refused(node)
        result = super()._eval(node)
        if isinstance(node, _BUILDERS):
            check_size(result)
        return result

    def _eval_formattedvalue(self, node: ast.FormattedValue) -> Any:
        if node.format_spec is not None:
            spec = self._eval(node.format_spec)
            if not isinstance(spec, str) or not SAFE_FORMAT_SPEC.fullmatch(spec):
                raise ScriptRefusedError("Định dạng trong f-string không được phép")
        return super()._eval_formattedvalue(node)

    def value(self, node: ast.AST) -> Any:
        """Evaluate one expression node."""
        return self._eval(node)


def _bind(target: ast.expr, value: Any, assigned: dict[str, Any]) -> None:
    if isinstance(target, ast.Name):
        assigned[target.id] = value
        return
    if isinstance(target, ast.Tuple | ast.List):
        values = list(value)
        if len(values) != len(target.elts):
            raise ScriptRefusedError("Số biến và số giá trị khi gán không khớp")
        for element, item in zip(target.elts, values, strict=True):
            _bind(element, item, assigned)
        return
    raise ScriptRefusedError("Chỉ được gán cho tên biến")


def _run(evaluator: _BoundedEval, body: list[ast.stmt], assigned: dict[str, Any]) -> None:
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        evaluator.step()
        if isinstance(statement, ast.If):
            branch = statement.body if evaluator.value(statement.test) else statement.orelse
            pending.extend(reversed(branch))
        elif isinstance(statement, ast.Expr):
            evaluator.value(statement.value)
        elif isinstance(statement, ast.Assign):
            value = evaluator.value(statement.value)
            for target in statement.targets:
                _bind(target, value, assigned)
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            apply = _OPERATORS.get(type(statement.op))
            if apply is None:
                raise ScriptRefusedError("Phép tính không được phép")
            current = evaluator.value(ast.Name(id=statement.target.id, ctx=ast.Load()))
            assigned[statement.target.id] = apply(current, evaluator.value(statement.value))
            check_size(assigned[statement.target.id])
        elif not isinstance(statement, ast.Pass):
            raise refused(statement)


_TRANSLATED: tuple[tuple[type[BaseException], Callable[[Any], Exception]], ...] = (
    (ScriptRefusedError, lambda e: e),
    (simpleeval.NameNotDefined, lambda e: NameError(f"Tên '{e.name}' chưa có giá trị")),
    (
        simpleeval.FunctionNotDefined,
        lambda e: NameError(f"Hàm '{e.func_name}' không có trong danh sách được phép"),
    ),
    (
        simpleeval.AttributeDoesNotExist,
        lambda e: AttributeError(f"Không có thuộc tính '{e.attr}'"),
    ),
    (simpleeval.NumberTooHigh, lambda e: ScriptRefusedError(TOO_WIDE)),
    (simpleeval.IterableTooLong, lambda e: ScriptRefusedError(TOO_BIG)),
    (simpleeval.OperatorNotDefined, lambda e: refused(e.attr)),
    (
        simpleeval.InvalidExpression,
        lambda e: ScriptRefusedError("Mã dùng cú pháp hoặc thuộc tính không được phép"),
    ),
    (RecursionError, lambda e: ScriptRefusedError("Biểu thức lồng nhau quá sâu")),
    (MemoryError, lambda e: ScriptRefusedError("Mã cần quá nhiều bộ nhớ")),
)


def _translated(exc: Exception) -> Exception:
    """Return the error to raise for `exc`: our own messages for what simpleeval refused."""
    for kind, make in _TRANSLATED:
        if isinstance(exc, kind):
            return make(exc)
    return exc


_local = threading.local()


@contextmanager
def _evaluator(
    names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> Iterator[_BoundedEval]:
    """Lend this thread's evaluator for one evaluation (building one costs ~50 µs)."""
    evaluator: _BoundedEval | None = getattr(_local, "evaluator", None)
    if evaluator is None or evaluator.busy or evaluator.source is not functions:
        evaluator = _BoundedEval(functions)
        if not getattr(getattr(_local, "evaluator", None), "busy", False):
            _local.evaluator = evaluator
    evaluator.start(names)
    try:
        yield evaluator
    finally:
        evaluator.busy = False
        evaluator.names = {}


@lru_cache(maxsize=2048)
def _parsed(source: str, mode: str) -> ast.AST:
    return parse(source, mode)


def evaluate(
    source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> Any:
    """Evaluate the expression `source` with `names` (task data) in view."""
    tree = _parsed(source, "eval")
    assert isinstance(tree, ast.Expression)
    try:
        with _evaluator(names, functions) as evaluator:
            return evaluator.value(tree.body)
    except Exception as exc:  # noqa: BLE001 - translated, then raised
        raise _translated(exc) from exc


def execute(
    source: str, names: MutableMapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> dict[str, Any]:
    """Run the script `source`; return the variables it assigned (checked to be storable)."""
    tree = _parsed(source, "exec")
    assert isinstance(tree, ast.Module)
    assigned: dict[str, Any] = {}
    try:
        with _evaluator(ChainMap(assigned, names), functions) as evaluator:
            _run(evaluator, tree.body, assigned)
        for name, value in assigned.items():
            check_storable(name, value)
    except Exception as exc:  # noqa: BLE001 - translated, then raised
        raise _translated(exc) from exc
    return assigned

