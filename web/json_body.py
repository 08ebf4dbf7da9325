"""The one reader of JSON request bodies (the API, the modeler): bounded, strict, storable.

A body is refused with a Vietnamese `BadInput` when it is larger than the route's limit (413),
not JSON, nested deeper than MAX_DEPTH, holds NaN/Infinity (or a number too large for a
float), a NUL character or a lone surrogate — whatever would otherwise fail later, deep in the
engine or in the database, as a 500.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from web.params import INVALID_CHARACTERS, BadInput

MAX_DEPTH = 32
DEFAULT_LIMIT = 2 * 1024 * 1024
MAX_INT_DIGITS = 30  # far beyond any id or amount, far below int()'s 4,300-digit limit

NOT_JSON = "Dữ liệu gửi lên không phải JSON hợp lệ (UTF-8)."
TOO_DEEP = f"Dữ liệu JSON lồng nhau quá sâu: tối đa {MAX_DEPTH} cấp."
NOT_FINITE = "Dữ liệu JSON không được chứa NaN, Infinity hoặc số quá lớn."


class _NotFinite(ValueError):
    """A number JSON cannot carry to the database (NaN, ±Infinity, overflow)."""


def _refused(message: str, status: int = 400) -> BadInput:
    """Return the refusal of a body, in JSON whatever the route (its client speaks JSON)."""
    return BadInput(message, status, as_json=True)


def _refuse_constant(name: str) -> Any:
    raise _NotFinite(name)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _NotFinite(text)
    return int(text)


def too_large_message(limit: int) -> str:
    """Return the refusal of a body over `limit` bytes."""
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"Dữ liệu gửi lên quá lớn: tối đa {size}."


def _body(limit: int, too_large: str) -> bytes:
    """Return the raw body, refusing it (413) beyond `limit` bytes, declared or streamed."""
    if (request.content_length or 0) > limit:
        raise _refused(too_large, 413)
    request.max_content_length = limit
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge as exc:
        raise _refused(too_large, 413) from exc
    if len(data) > limit:
        raise _refused(too_large, 413)
    return data


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise _refused(INVALID_CHARACTERS)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800") the database cannot take
        raise _refused(INVALID_CHARACTERS) from exc


def _check(value: Any, depth: int) -> None:
    """Refuse nesting beyond MAX_DEPTH and strings the database cannot store."""
    if isinstance(value, str):
        _check_text(value)
        return
    if not isinstance(value, (list, dict)):
        return
    if depth >= MAX_DEPTH:
        raise _refused(TOO_DEEP)
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check(item, depth + 1)
    else:
        for item in value:
            _check(item, depth + 1)


def read_json(limit: int = DEFAULT_LIMIT, too_large: str | None = None) -> Any:
    """Return the request's JSON body, checked; raise `BadInput` (400/413) when refused."""
    data = _body(limit, too_large or too_large_message(limit))
    try:
        value = json.loads(data, parse_constant=_refuse_constant, parse_float=_float,
                           parse_int=_int)
    except _NotFinite as exc:
        raise _refused(NOT_FINITE) from exc
    except RecursionError as exc:
        raise _refused(TOO_DEEP) from exc
    except ValueError as exc:  # not JSON, or not UTF-8/16/32 text
        raise _refused(NOT_JSON) from exc
    _check(value, 0)
    return value


def read_object(limit: int = DEFAULT_LIMIT, too_large: str | None = None) -> dict[str, Any] | None:
    """Return the JSON body when it is an object, None when it is another JSON value."""
    value = read_json(limit, too_large)
    return value if isinstance(value, dict) else None
