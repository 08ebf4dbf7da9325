"""The language of BPMN scripts, conditions and timer expressions, checked before anything runs.

Scripts here are short glue: calls of the whitelisted functions (`notify(...)`,
`cascade(...)`, …), assignments to plain names, `if`/`elif`/`else`; conditions and timer
expressions are single expressions. Everything whose running time or size cannot be bounded
by reading the source is refused, with the line named: loops (`while`, `for`,
comprehensions), `try`, function definitions and `lambda` (so no recursion), imports, power
and shifts, a string or list multiplied by anything but a small constant, `%`-formatting of a
literal, wide format specs, names and attributes outside the whitelists. The interpreter
(`engine.workflow.interpreter`) enforces the same limits again at run time.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from numbers import Real
from typing import Any

from engine.core.errors import ScriptRefusedError
from engine.workflow import parse_messages
from engine.workflow.script_functions import SCRIPT_FUNCTIONS

MAX_RANGE = 10_000  # elements of a range()
MAX_REPEAT = 1_000  # largest constant a string or list may be multiplied by
MAX_SIZE = 100_000  # characters of a string, or elements of a collection (nested ones counted)
MAX_INT_BITS = 4_096  # bits of an integer
MAX_NESTING = 50  # depth of the syntax tree
MAX_SOURCE_CHARS = 20_000

# A format spec such as "02d", ">10", ".2f", ",": widths and precisions of at most two digits.
SAFE_FORMAT_SPEC = re.compile(r"(.?[<>=^])?[+\- ]?#?0?\d{0,2}[,_]?(\.\d{1,2})?[bcdeEfFgGnosxX%]?")


class ScriptLanguageError(ScriptRefusedError):
    """Source outside the script language; `line` is the line of the source it is on."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _safe_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise ScriptRefusedError(f"range quá lớn (tối đa {MAX_RANGE} phần tử)")
    return result


def _safe_sum(values: Iterable[Any]) -> Any:
    """Add numbers only: adding lists or strings one after another grows quadratically."""
    total: Any = 0
    for value in values:
        if not isinstance(value, Real):
            raise ScriptRefusedError("sum() chỉ cộng các số")
        total = total + value
    return total


SAFE_BUILTINS: dict[str, Callable[..., Any]] = {
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
    "sum": _safe_sum,
    "tuple": tuple,
    "zip": zip,
}

CALLABLE_NAMES = frozenset(SAFE_BUILTINS) | frozenset(SCRIPT_FUNCTIONS)

_DATE_PARTS = frozenset({"year", "month", "day", "isoformat", "weekday"})
# Methods and attributes a script may use, by type: none of them builds a value much larger
# than the object it is called on (no join, replace, center, ljust, zfill, format, …).
ALLOWED_ATTRIBUTES: dict[type | None, set[str]] = {
    dict: {"get", "keys", "values", "items"},
    str: {"lower", "upper", "strip", "startswith", "endswith", "split"},
    list: {"count", "index"},
    tuple: {"count", "index"},
    datetime: set(_DATE_PARTS),
    date: set(_DATE_PARTS),
}
ATTRIBUTE_NAMES = frozenset().union(*ALLOWED_ATTRIBUTES.values())

_ALLOWED_NODES = (
    ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.Pass,
    ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Call, ast.keyword, ast.IfExp,
    ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Slice, ast.List, ast.Tuple,
    ast.Dict, ast.Set, ast.JoinedStr, ast.FormattedValue,
    ast.expr_context, ast.boolop, ast.unaryop, ast.cmpop,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.BitAnd, ast.BitOr, ast.BitXor,
)  # fmt: skip

_LOOP = "không được phép dùng vòng lặp"
_REFUSED: dict[type, str] = {
    ast.While: f"{_LOOP} while",
    ast.For: f"{_LOOP} for",
    ast.AsyncFor: f"{_LOOP} for",
    ast.ListComp: f"{_LOOP} (comprehension)",
    ast.SetComp: f"{_LOOP} (comprehension)",
    ast.DictComp: f"{_LOOP} (comprehension)",
    ast.GeneratorExp: f"{_LOOP} (comprehension)",
    ast.Try: "không được phép dùng try/except",
    ast.TryStar: "không được phép dùng try/except",
    ast.Raise: "không được phép dùng raise",
    ast.FunctionDef: "không được phép định nghĩa hàm",
    ast.AsyncFunctionDef: "không được phép định nghĩa hàm",
    ast.Lambda: "không được phép dùng lambda",
    ast.ClassDef: "không được phép định nghĩa lớp",
    ast.Import: "không được phép import",
    ast.ImportFrom: "không được phép import",
    ast.Global: "không được phép dùng global",
    ast.Nonlocal: "không được phép dùng nonlocal",
    ast.NamedExpr: "không được phép dùng phép gán :=",
    ast.Starred: "không được phép dùng dấu * để trải danh sách",
    ast.Pow: "không được phép dùng phép lũy thừa (**)",
    ast.LShift: "không được phép dùng phép dịch bit (<<)",
    ast.RShift: "không được phép dùng phép dịch bit (>>)",
    ast.MatMult: "không được phép dùng phép @",
}


def _is_sequence(node: ast.expr) -> bool:
    """Tell whether `node` surely yields a string or a list (so `*` repeats it)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | bytes)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in {"str", "list", "tuple", "sorted"}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_sequence(node.left) or _is_sequence(node.right)
    return isinstance(node, ast.List | ast.Tuple | ast.JoinedStr)


def _small_count(node: ast.expr) -> bool:
    value = node.value if isinstance(node, ast.Constant) else None
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_REPEAT


def _binop_refusal(node: ast.BinOp) -> str | None:
    if isinstance(node.op, ast.Mult):
        for seq, count in ((node.left, node.right), (node.right, node.left)):
            if _is_sequence(seq) and not _small_count(count):
                return (
                    "chuỗi hoặc danh sách chỉ được nhân với một hằng số nguyên "
                    f"không quá {MAX_REPEAT}"
                )
    if isinstance(node.op, ast.Mod) and _is_sequence(node.left):
        return "không được phép định dạng chuỗi bằng %; hãy dùng f-string"
    return None


def _call_refusal(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        if node.func.id not in CALLABLE_NAMES:
            return f"hàm '{node.func.id}' không có trong danh sách được phép"
    elif not isinstance(node.func, ast.Attribute):
        return "chỉ được gọi các hàm có tên trong danh sách được phép"
    if any(k.arg is None for k in node.keywords):
        return "không được phép dùng ** khi gọi hàm"
    return None


def _target_refusal(node: ast.Assign | ast.AugAssign) -> str | None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names: list[ast.expr] = []
    for target in targets:
        names.extend(target.elts if isinstance(target, ast.Tuple | ast.List) else [target])
    for target in names:
        if not isinstance(target, ast.Name):
            return "chỉ được gán cho tên biến (không gán vào phần tử hay thuộc tính)"
        if target.id in CALLABLE_NAMES:
            return f"không được gán đè tên hàm '{target.id}'"
    return None


def _format_refusal(node: ast.FormattedValue) -> str | None:
    spec = node.format_spec
    if spec is None:
        return None
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    text = [p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)]
    if len(text) != len(parts) or not SAFE_FORMAT_SPEC.fullmatch("".join(text)):
        return "định dạng trong f-string chỉ được là hằng số, độ rộng không quá 2 chữ số"
    return None


def _name_refusal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        return f"không được phép dùng tên bắt đầu bằng '_' ({node.id})"
    if isinstance(node, ast.Attribute) and node.attr not in ATTRIBUTE_NAMES:
        return f"không được phép truy cập thuộc tính {node.attr}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
        return "không được phép dùng chuỗi chứa '__'"
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        if node.value.bit_length() > MAX_INT_BITS:
            return f"số quá lớn (tối đa {MAX_INT_BITS} bit)"
    return None


_CHECKS: dict[type, Callable[[Any], str | None]] = {
    ast.BinOp: _binop_refusal,
    ast.Call: _call_refusal,
    ast.Assign: _target_refusal,
    ast.AugAssign: _target_refusal,
    ast.FormattedValue: _format_refusal,
}


def refusal(node: ast.AST) -> str | None:
    """Return why `node` is outside the language, or None when it is allowed."""
    kind = type(node)
    if kind in _REFUSED:
        return _REFUSED[kind]
    if not isinstance(node, _ALLOWED_NODES):
        return f"không được phép dùng cú pháp {kind.__name__}"
    check = _CHECKS.get(kind)
    return (check(node) if check else None) or _name_refusal(node)


def _walk(tree: ast.AST) -> Iterator[tuple[ast.AST, int, int]]:
    """Yield every node in source order with its depth and nearest line (iteratively)."""
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)
        yield node, depth, line
        children = list(ast.iter_child_nodes(node))
        stack.extend((child, depth + 1, line) for child in reversed(children))


def parse(source: str, mode: str) -> ast.AST:
    """Parse `source` ("eval": an expression, "exec": a script); refuse bad syntax."""
    if len(source) > MAX_SOURCE_CHARS:
        raise ScriptLanguageError(f"Mã quá dài (tối đa {MAX_SOURCE_CHARS} ký tự)", 1)
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptLanguageError(
            parse_messages.python_syntax(exc), exc.lineno
        ) from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ScriptLanguageError("Biểu thức không đọc được (quá phức tạp)", 1) from exc


@lru_cache(maxsize=2048)
def check_source(source: str, mode: str) -> None:
    """Parse `source` and refuse anything outside the language, naming the line."""
    for node, depth, line in _walk(parse(source, mode)):
        reason = refusal(node)
        if reason is None and depth > MAX_NESTING:
            reason = f"mã lồng nhau quá sâu (tối đa {MAX_NESTING} mức)"
        if reason:
            raise ScriptLanguageError(f"Biểu thức bị từ chối: {reason} (dòng {line} của mã)", line)
