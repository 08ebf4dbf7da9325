"""Helpers of the unit-plan editor widget: adding a task row the unit defines itself."""
from __future__ import annotations

from typing import Any

ADDED_PREFIX = "BS"


def next_added_code(tasks: list[Any]) -> str:
    """Return the next free code of an added task (BS1, BS2, ...)."""
    codes = {str(t.get("code", "")) for t in tasks if isinstance(t, dict)}
    number = 1
    while f"{ADDED_PREFIX}{number}" in codes:
        number += 1
    return f"{ADDED_PREFIX}{number}"


def add_task_row(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Return `data` with an empty added task at the end, and that row's index."""
    tasks = [t for t in data.get("tasks", []) if isinstance(t, dict)]
    tasks.append({"code": next_added_code(tasks), "name": "", "kept": True, "responsible": "",
                  "product": "", "deadline_text": "", "added": True})
    return {**data, "tasks": tasks}, len(tasks) - 1
