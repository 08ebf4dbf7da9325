"""The rows of a province plan (Phụ lục I KPIs, Phụ lục II tasks, the two templates) and how a
plan's rows are replaced by a new list (from the shipped data or an imported workbook)."""

from __future__ import annotations

from typing import Any

from models import Plan

KPI_FIELDS = (
    "group_code",
    "group_name",
    "parent_code",
    "name",
    "measurable",
    "target_text",
    "target_value",
    "target_unit",
    "comparator",
    "lead",
    "coordinating",
    "baseline_text",
)
TASK_FIELDS = (
    "group_code",
    "group_name",
    "parent_code",
    "name",
    "lead",
    "coordinating",
    "product",
    "deadline_text",
)
TEMPLATE_FIELDS = (
    "group_code",
    "group_name",
    "name",
    "product",
    "deadline_text",
    "province_task_code",
)
TEMPLATE_KINDS = ("department", "commune")


def sync_rows(
    plan: Plan,
    collection: str,
    model: type[Any],
    rows: list[dict[str, Any]],
    fields: tuple[str, ...],
    **fixed: Any,
) -> None:
    """Create or update the plan's child rows (matched by code and `fixed`) in file order."""
    current = {
        r.code: r
        for r in getattr(plan, collection)
        if all(getattr(r, k) == v for k, v in fixed.items())
    }
    for position, row in enumerate(rows, start=1):
        item = current.get(row["code"])
        if item is None:
            item = model(code=row["code"], **fixed)
            getattr(plan, collection).append(item)
        item.position = position
        for field in fields:
            setattr(item, field, row.get(field))
    _drop_missing(plan, collection, {row["code"] for row in rows}, fixed)


def _drop_missing(plan: Plan, collection: str, codes: set[str], fixed: dict[str, Any]) -> None:
    """Remove the rows (matching `fixed`) that the new list no longer has."""
    items = getattr(plan, collection)
    for item in list(items):
        if all(getattr(item, k) == v for k, v in fixed.items()) and item.code not in codes:
            items.remove(item)
