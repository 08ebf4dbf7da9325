"""Turn flat HTML form fields (`kpis-3-target_value`, `target_kinds[]`) into nested form data.

Names are paths: segments separated by "-", a numeric segment is an index into a list.
A name ending in "[]" collects every value (checkbox groups; an empty hidden value marks
the group as present). Otherwise the last value wins, so a hidden "false" followed by a
checkbox "true" reads as the checkbox's state. Empty strings are left out.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from web.params import parse_int

SEPARATOR = "-"
LIST_SUFFIX = "[]"
IGNORED = frozenset({"csrf_token", "action"})
MAX_INDEX = 10_000


class FormFields(Protocol):
    """What the binding reads from a request's form (a werkzeug MultiDict)."""

    def keys(self) -> Iterable[str]:
        """Return the field names."""

    def getlist(self, key: str) -> list[str]:
        """Return every value sent under `key`."""


def _segments(name: str) -> list[str | int] | None:
    """Split a field name into keys and indices; None when the name is malformed."""
    parts: list[str | int] = []
    for part in name.split(SEPARATOR):
        if not part:
            return None
        if part.isascii() and part.isdigit():
            index = parse_int(part, 0, MAX_INDEX)
            if index is None:
                return None
            parts.append(index)
        else:
            parts.append(part)
    return parts if isinstance(parts[0], str) else None


def _put(tree: dict[Any, Any], path: list[str | int], value: Any) -> None:
    """Store `value` at `path`; silently ignore a path clashing with one already stored."""
    node = tree
    for key in path[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            return
        node = child
    if not isinstance(node.get(path[-1]), dict):
        node[path[-1]] = value


def _densify(node: Any) -> Any:
    """Turn dicts keyed by indices into lists in index order."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_densify(node[k]) for k in sorted(node)]
    return {k: _densify(v) for k, v in node.items() if isinstance(k, str)}


def parse(form: FormFields) -> dict[str, Any]:
    """Return the nested data the flat fields of `form` describe."""
    tree: dict[Any, Any] = {}
    for name in form.keys():
        if name in IGNORED:
            continue
        is_list = name.endswith(LIST_SUFFIX)
        path = _segments(name[: -len(LIST_SUFFIX)] if is_list else name)
        if path is None:
            continue
        values = form.getlist(name)
        if is_list:
            _put(tree, path, [v for v in values if v != ""])
        elif values and values[-1] != "":
            _put(tree, path, values[-1])
    result = _densify(tree)
    return result if isinstance(result, dict) else {}


def _blank(item: Mapping[str, Any]) -> bool:
    keep = ("code", "added", "kept", "selected")
    return all(not str(v).strip() for k, v in item.items() if k not in keep)


def drop_blank_added(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out rows the user added (added=true) but left entirely empty."""
    result = dict(data)
    for key, value in data.items():
        if isinstance(value, list):
            result[key] = [item for item in value if not (
                isinstance(item, Mapping) and str(item.get("added", "")).lower() == "true"
                and _blank(item))]
    return result


def field_name(path: str) -> str:
    """Return the HTML field name of an engine field path (`kpis.3.target_value`)."""
    return path.replace(".", SEPARATOR)
