"""The box of errors at the top of a form: one line per wrong field, each naming the field (a row's
code and the column, in the editors) and linking to it, so that nothing wrong is out of sight."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from web import forms_binding
from web.tasks.layout import Field

FORM_KEY = "_form"  # an error of the whole form: said in the box, with nothing to link to


@dataclass(frozen=True)
class ErrorLink:
    """One line of the box: where to go (an element id, None for the whole form) and what."""

    target: str | None
    label: str
    message: str


def _title(schema: Mapping[str, Any], name: str) -> str:
    return str(schema.get("properties", {}).get(name, {}).get("title", name))


def _row_label(schema: Mapping[str, Any], data: Mapping[str, Any], parts: list[str]) -> str:
    """Label a cell of an editor row: "<list title> <row code> — <column title>"."""
    array, index, prop = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
    found = data.get(array)
    rows: list[Any] = found if isinstance(found, list) else []
    position = int(index) if index.isdigit() else -1
    row = rows[position] if 0 <= position < len(rows) and isinstance(rows[position], dict) else {}
    code = str(row.get("code") or (position + 1))
    item = schema.get("properties", {}).get(array, {}).get("items", {})
    column = _title(item, prop) if prop else ""
    return f"{_title(schema, array)} {code}" + (f" — {column}" if column else "")


def links(errors: Mapping[str, str], fields: list[Field], schema: Mapping[str, Any],
          data: Mapping[str, Any]) -> list[ErrorLink]:
    """Return the box's lines for `errors` (keyed by HTML field name), in the form's order."""
    labels = {f.name: f.label for f in fields}
    found = []
    for name, message in errors.items():
        if name == FORM_KEY:
            found.append(ErrorLink(None, "", message))
        elif name in labels:
            found.append(ErrorLink(f"field-{name}", labels[name], message))
        else:
            parts = name.split(forms_binding.SEPARATOR)
            label = (_row_label(schema, data, parts) if len(parts) > 1
                     else _title(schema, name))
            found.append(ErrorLink(f"input-{name}", label, message))
    return found
