"""Describe a JSON Schema form as the ordered fields the Jinja macros render, and format values."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.core.formatting import format_date, format_number
from engine.core.labels import VERDICT_LABELS
from engine.domain.kpis import Verdict, verdict

DATE_PLACEHOLDER = "dd/mm/yyyy"
# Field widgets named in UI hints that render a whole array property (see tasks/show.html).
FIELD_WIDGETS = frozenset({"unit_picker"})
NUMBER_MESSAGE = "Phải là một số, ví dụ 97,8"


@dataclass(frozen=True)
class Field:
    """One form field: HTML name, Vietnamese label, widget and its choices."""

    name: str
    label: str
    widget: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    placeholder: str | None = None


def _options(values: list[Any], ui: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    names = ui.get("ui:enumNames", {})
    if isinstance(names, list):
        names = dict(zip(values, names, strict=False))
    return tuple((str(v), str(names.get(v, v))) for v in values)


def _widget(prop: Mapping[str, Any], ui: Mapping[str, Any]) -> str:
    """Pick the widget of one property from its type and UI hints."""
    hint = ui.get("ui:widget")
    if hint in FIELD_WIDGETS:
        return str(hint)
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        return "checkboxes" if items.get("enum") else "unsupported"
    if "enum" in prop:
        return "radio" if hint == "radio" else "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("number", "integer"):
        return kind
    if kind == "string":
        if prop.get("format") == "date":
            return "date"
        return "textarea" if hint == "textarea" else "text"
    return "unsupported"


def fields_of(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> list[Field]:
    """Return the fields of a flat form in `ui:order` (then schema order)."""
    props: Mapping[str, Any] = schema.get("properties", {})
    order = [k for k in ui.get("ui:order", []) if k in props]
    order += [k for k in props if k not in order]
    required = set(schema.get("required", []))
    fields = []
    for key in order:
        prop, hints = props[key], ui.get(key, {})
        widget = _widget(prop, hints)
        values = prop.get("enum") or prop.get("items", {}).get("enum") or []
        fields.append(Field(
            name=key, label=str(prop.get("title", key)), widget=widget,
            required=key in required, options=_options(list(values), hints),
            max_length=prop.get("maxLength"),
            placeholder=DATE_PLACEHOLDER if widget == "date" else None))
    return fields


def show_value(field: Field, value: Any) -> Any:
    """Return the value a widget displays for `value`."""
    if field.widget in ("number", "integer"):
        return format_number(value)
    if field.widget == "date":
        return format_date(value)
    if field.widget == "checkboxes":
        return [str(v) for v in value] if isinstance(value, list) else []
    if field.widget == "checkbox":
        return value is True
    return "" if value is None else str(value)


def item_options(schema: Mapping[str, Any], ui: Mapping[str, Any], array: str,
                 prop: str) -> tuple[tuple[str, str], ...]:
    """Return the (value, label) choices of `prop` in the items of the array property `array`."""
    item = schema.get("properties", {}).get(array, {}).get("items", {})
    values = item.get("properties", {}).get(prop, {}).get("enum", [])
    hints = ui.get(array, {}).get("items", {}).get(prop, {})
    return _options(list(values), hints)


def item_props(schema: Mapping[str, Any], array: str) -> frozenset[str]:
    """Return the property names the items of the array property `array` declare."""
    item = schema.get("properties", {}).get(array, {}).get("items", {})
    return frozenset(item.get("properties", {}))


def number_errors(schema: Mapping[str, Any], data: Any, path: str = "") -> dict[str, str]:
    """Return a clear message for each numeric field still holding text after coercion."""
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if isinstance(data, Mapping) and "object" in kinds:
        props = schema.get("properties", {})
        errors: dict[str, str] = {}
        for key, value in data.items():
            errors.update(number_errors(props.get(key, {}), value, f"{path}{key}."))
        return errors
    if isinstance(data, list) and "array" in kinds:
        errors = {}
        for index, item in enumerate(data):
            errors.update(number_errors(schema.get("items", {}), item, f"{path}{index}."))
        return errors
    if isinstance(data, str) and kinds & {"number", "integer"}:
        return {path.rstrip("."): NUMBER_MESSAGE}
    return {}


def verdict_preview(actual: Any, target: Any, minimum: float | None = None,
                    maximum: float | None = None) -> tuple[str, str]:
    """Return the label and badge class of a KPI result's đạt / chưa đạt, as the server judges.

    `target` is the unit's KpiTarget (None when unknown). A value that is no figure the form
    accepts — empty, text typed and shown back with an error, outside [minimum, maximum] —
    gets no verdict at all ("", ""): the preview judges figures only.
    """
    is_number = isinstance(actual, int | float) and not isinstance(actual, bool)
    if not is_number or math.isnan(actual) or (minimum is not None and actual < minimum) \
            or (maximum is not None and actual > maximum):
        return "", ""
    result = verdict(float(actual), getattr(target, "target_value", None),
                     getattr(target, "comparator", None))
    badge = "text-bg-success" if result == Verdict.MET else "text-bg-danger"
    return VERDICT_LABELS[result], badge
