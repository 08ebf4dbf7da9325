"""Numbers and ids read from a request, one way for paths, query strings and forms.

An id is ASCII digits in 1..2**31-1, what an INTEGER column holds on SQLite and PostgreSQL
alike. In a path it is the `<id:...>` converter (anything else does not match: 404); in a query
string or a form it is `id_arg` / `parse_id`. Pages, limits and offsets (`int_arg`) are
forgiving, as every list filter here: a malformed value gives the default, one out of range is
clamped. The app also refuses NUL characters in any path, query or form value (PostgreSQL
cannot store them) and a JSON body sent to a view not marked `takes_json` (flask-wtf would read
it as form data, unchecked); `BadInput` answers 4xx with its Vietnamese message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**31 - 1
ID_PATTERN = r"[0-9]{1,10}"
_INTEGER = re.compile(r"-?[0-9]+")
INVALID_CHARACTERS = "Dữ liệu chứa ký tự không hợp lệ."
FORMS_ONLY = "Địa chỉ này nhận dữ liệu biểu mẫu, không nhận JSON."
View = TypeVar("View", bound=Callable[..., Any])


class BadInput(HTTPException):
    """A request refused for what it sent (400, 413): `description` is the Vietnamese reason.

    `as_json` answers in JSON whatever the route: a body that should have been JSON.
    """

    def __init__(self, message: str, status: int = 400, *, as_json: bool = False) -> None:
        super().__init__(description=message)
        self.code = status
        self.as_json = as_json


def parse_int(text: str | None, low: int, high: int) -> int | None:
    """Return the integer `text` spells in ASCII digits when it lies in [low, high], else None."""
    if text is None or not _INTEGER.fullmatch(text) or len(text.lstrip("-0")) > _digits(low, high):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(text: str | None) -> int | None:
    """Return the id `text` spells (ASCII digits, 1..MAX_ID), else None."""
    return parse_int(text, 1, MAX_ID)


def id_arg(name: str) -> int | None:
    """Return the id in query parameter `name`; None when absent; 400 when it is not an id."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise BadInput(f"Tham số “{name}” phải là một mã số từ 1 đến {MAX_ID:,}.".replace(",", "."))
    return value


def _digits(low: int, high: int) -> int:
    """Return how many digits the widest bound has (longer text is out of range: never int()
    a 5,000-digit string)."""
    return len(str(max(abs(low), abs(high))))


def clamp_int(text: str | None, default: int, low: int, high: int) -> int:
    """Return the integer `text` spells, clamped to [low, high]; `default` when it spells none."""
    text = (text or "").strip()
    if not _INTEGER.fullmatch(text):
        return default
    if len(text.lstrip("-0")) > _digits(low, high):
        return low if text.startswith("-") else high
    return min(max(int(text), low), high)


def int_arg(name: str, default: int, low: int = 0, high: int = MAX_ID) -> int:
    """Return query parameter `name` as an integer clamped to [low, high], else `default`."""
    return clamp_int(request.args.get(name), default, low, high)


def page_arg(name: str = "page") -> int:
    """Return the page number asked for in the query string (1 when absent or malformed)."""
    return int_arg(name, 1, 1, MAX_ID)


class IdConverter(BaseConverter):
    """The `<id:name>` URL converter: ASCII digits within an INTEGER column's range."""

    regex = ID_PATTERN
    part_isolating = True

    def to_python(self, value: str) -> int:
        """Return the id; a value out of range does not match (404)."""
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value: Any) -> str:
        """Write the id back into a URL."""
        return str(int(value))


def _has_nul(fields: MultiDict[str, str]) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values)
               for key, values in fields.lists())


def refuse_nul() -> None:
    """Refuse a request whose path, query or form holds a NUL character."""
    if "\x00" in request.path or _has_nul(request.args) or _has_nul(request.form):
        raise BadInput(INVALID_CHARACTERS)


def takes_json(view: View) -> View:
    """Mark a view as reading a JSON body (web.json_body); other views refuse one (415)."""
    view.takes_json = True  # type: ignore[attr-defined]
    return view


def refuse_misplaced_json() -> None:
    """Refuse a JSON body sent to a form route: flask-wtf would read it as form data unchecked."""
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and not getattr(view, "takes_json", False):
        raise BadInput(FORMS_ONLY, 415)


def _answer(exc: BadInput) -> ResponseReturnValue:
    from web.errors import respond  # late: web.errors imports the routes that import this

    if exc.as_json:
        return jsonify({"error": exc.description}), exc.code or 400
    return respond(exc.code or 400, exc.description)


def register(app: Flask) -> None:
    """Install the id converter, the NUL and JSON checks and the answer to `BadInput`."""
    app.url_map.converters["id"] = IdConverter
    app.before_request(refuse_nul)
    app.before_request(refuse_misplaced_json)
    app.register_error_handler(BadInput, _answer)
