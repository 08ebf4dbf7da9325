"""Task forms: JSON Schema (2020-12) files in bpmn/forms/, validated with Vietnamese messages."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from engine.core.errors import FieldErrors, NotFoundError
from engine.core.formatting import format_number, parse_date, parse_number
from engine.core.paths import FORMS_DIR

SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".uischema.json"


@dataclass(frozen=True)
class FormDefinition:
    """A form: its key, JSON Schema and UI hints."""

    key: str
    schema: Mapping[str, Any]
    ui: Mapping[str, Any]

    @property
    def title(self) -> str:
        """Return the form's Vietnamese title."""
        return str(self.schema.get("title", self.key))

    def validate(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Return `data` when it satisfies the schema; raise FieldErrors otherwise.

        A compiled validator (fastjsonschema) answers the common, valid case in a fraction of
        a millisecond; only invalid data goes through jsonschema to collect every message.
        """
        not_finite = non_finite_errors(data, self.schema)
        schema_text = json.dumps(self.schema, sort_keys=True)
        if not not_finite:
            try:
                _compiled(self.key, schema_text)(data)
                return dict(data)
            except fastjsonschema.JsonSchemaException:
                pass
        validator = _validator(self.key, schema_text)
        errors: dict[str, str] = dict(not_finite)
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
            path, message = _translate(error)
            errors.setdefault(path, message)
        if errors:
            raise FieldErrors(errors)
        return dict(data)


def non_finite_errors(data: Any, schema: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Return a message for each NaN or infinite number in `data`, keyed by its field path.

    Python's json reads `NaN` and `Infinity`, and they pass `minimum`/`maximum` (every
    comparison with NaN is false); JSON itself has no such values, so none is ever stored.
    The common case, JSON data with none, is told by the C encoder without walking it.
    """
    try:
        json.dumps(data, allow_nan=False)
        return {}
    except (ValueError, TypeError):
        return _non_finite_walk(data, schema)


def _non_finite_walk(
    data: Any, schema: Mapping[str, Any] | None = None, path: str = ""
) -> dict[str, str]:
    """Walk `data` for `non_finite_errors`, with the schema of each field for its message."""
    schema = schema or {}
    if isinstance(data, float) and not math.isfinite(data):
        return {path or "_form": _finite_message(schema)}
    errors: dict[str, str] = {}
    if isinstance(data, Mapping):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, value in data.items():
            sub = props.get(key, extra if isinstance(extra, Mapping) else {})
            errors.update(_non_finite_walk(value, sub, f"{path}.{key}" if path else str(key)))
    elif isinstance(data, list):
        items = schema.get("items")
        for index, value in enumerate(data):
            sub = items if isinstance(items, Mapping) else {}
            errors.update(_non_finite_walk(value, sub, f"{path}.{index}" if path else str(index)))
    return errors


def _finite_message(schema: Mapping[str, Any]) -> str:
    """Say which numbers a field takes (NaN and infinities are none of them)."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"Nhập một số từ {format_number(low)} đến {format_number(high)}"
    return "Nhập một số hữu hạn, ví dụ 12 hoặc 12,5 (không nhận NaN, vô cực)"


def _is_iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


@lru_cache(maxsize=128)
def _compiled(key: str, schema_text: str) -> Any:
    return fastjsonschema.compile(json.loads(schema_text), formats={"date": _is_iso_date})


@lru_cache(maxsize=128)
def _validator(key: str, schema_text: str) -> Draft202012Validator:
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _field_path(error: ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "_form"


_MESSAGES: dict[str, Any] = {
    "minimum": lambda e: f"Giá trị phải lớn hơn hoặc bằng {format_number(e.validator_value)}",
    "maximum": lambda e: f"Giá trị phải nhỏ hơn hoặc bằng {format_number(e.validator_value)}",
    "exclusiveMinimum": lambda e: f"Giá trị phải lớn hơn {format_number(e.validator_value)}",
    "exclusiveMaximum": lambda e: f"Giá trị phải nhỏ hơn {format_number(e.validator_value)}",
    "enum": lambda e: "Giá trị không nằm trong danh sách cho phép",
    "const": lambda e: "Giá trị không hợp lệ",
    "maxLength": lambda e: f"Tối đa {e.validator_value} ký tự",
    "minItems": lambda e: f"Cần ít nhất {e.validator_value} mục",
    "maxItems": lambda e: f"Tối đa {e.validator_value} mục",
    "maxProperties": lambda e: f"Tối đa {e.validator_value} mục",
    "pattern": lambda e: "Không đúng định dạng yêu cầu",
    "additionalProperties": lambda e: "Có trường không được khai báo trong biểu mẫu",
}

_TYPE_NAMES = {
    "number": "một số",
    "integer": "một số nguyên",
    "string": "văn bản",
    "boolean": "đúng/sai",
    "array": "một danh sách",
    "object": "một nhóm trường",
}


def _type_message(expected: Any) -> str:
    """Say which type a field takes: "Phải là một số", "Phải là một số (hoặc để trống)"."""
    if isinstance(expected, str):
        return f"Phải là {_TYPE_NAMES.get(expected, expected)}"
    kinds = [str(k) for k in expected if k != "null"] if isinstance(expected, list) else []
    if not kinds:
        return "Phải là giá trị hợp lệ"
    names = " hoặc ".join(_TYPE_NAMES.get(k, k) for k in kinds)
    return f"Phải là {names}" + (" (hoặc để trống)" if "null" in expected else "")


def _translate(error: ValidationError) -> tuple[str, str]:
    """Return (field path, Vietnamese message) for one jsonschema error."""
    path = _field_path(error)
    kind = error.validator
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else "?"
        return (f"{path}.{missing}" if path != "_form" else missing), "Trường này là bắt buộc"
    if kind == "type":
        return path, _type_message(error.validator_value)
    if kind == "minLength":
        if error.validator_value == 1:
            return path, "Không được để trống"
        return path, f"Cần ít nhất {error.validator_value} ký tự"
    if kind == "format":
        if error.validator_value == "date":
            return path, "Ngày không hợp lệ (định dạng dd/mm/yyyy)"
        return path, "Không đúng định dạng yêu cầu"
    builder = _MESSAGES.get(str(kind))
    return path, builder(error) if builder else "Giá trị không hợp lệ"


def known_keys(forms_dir: Path = FORMS_DIR) -> frozenset[str]:
    """Return the keys of every form defined in `forms_dir`."""
    return frozenset(p.name[: -len(SCHEMA_SUFFIX)] for p in forms_dir.glob(f"*{SCHEMA_SUFFIX}"))


@lru_cache(maxsize=64)
def load(key: str, forms_dir: Path = FORMS_DIR) -> FormDefinition:
    """Load the form `key`; raise NotFoundError when no such form exists."""
    if not key.replace("_", "").isalnum():
        raise NotFoundError(f"Không có biểu mẫu '{key}'")
    schema_path = forms_dir / f"{key}{SCHEMA_SUFFIX}"
    if not schema_path.is_file():
        raise NotFoundError(f"Không có biểu mẫu '{key}'")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    ui_path = forms_dir / f"{key}{UI_SUFFIX}"
    ui = json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.is_file() else {}
    return FormDefinition(key=key, schema=schema, ui=ui)


def _coerce_value(schema: Mapping[str, Any], value: Any) -> Any:
    """Convert one raw form string to the schema's type; leave it as is when it does not fit."""
    kind = schema.get("type")
    if isinstance(kind, list):  # e.g. ["number", "null"]: an empty field means null
        kind = next((k for k in kind if k != "null"), None)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind in ("number", "integer"):
        if text == "":
            return None
        number = parse_number(text)
        if number is None:
            return value
        return int(number) if kind == "integer" and number.is_integer() else number
    if kind == "boolean":
        return text.lower() in ("1", "true", "on", "yes", "co", "có")
    if schema.get("format") == "date" and text:
        parsed = parse_date(text)
        return parsed.isoformat() if parsed else value
    return text


def coerce(schema: Mapping[str, Any], data: Any) -> Any:
    """Convert strings from an HTML form into the types the schema asks for (recursively)."""
    kind = schema.get("type")
    if kind == "object" and isinstance(data, Mapping):
        props = schema.get("properties", {})
        result = {}
        for key, value in data.items():
            converted = coerce(props.get(key, {}), value)
            if converted is not None:
                result[key] = converted
        return result
    if kind == "array" and isinstance(data, list):
        return [coerce(schema.get("items", {}), item) for item in data]
    return _coerce_value(schema, data)
