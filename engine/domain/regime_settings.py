"""Sở KHCN sets a draft plan's reporting regimes, field by field (NĐ 09/2019's fields): which
apply, and for each its name, content, who reports, receiver, method, deadline day, data
cut-off, how early its rounds open, reminder and grace days. Checked here, stored on the plan.
The regimes of communes' internal departments have those departments as reporters, always."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.core import audit
from engine.core.errors import ConflictError, FieldErrors
from engine.domain import regimes
from models import Plan, PlanStatus

REPORTER_KINDS = ("department", "commune")
TEXT_LIMITS = {"name": 200, "content": 1000, "receiver": 200, "method": 200, "cutoff": 300}
NUMBER_LIMITS = {
    "due_day": (1, 28),
    "open_days": (1, 60),
    "reminder_days_before": (0, 30),
    "grace_days": (0, 60),
}
OPTIONAL_NUMBERS = ("reminder_days_before", "grace_days")


def form_entries(plan: Plan) -> dict[str, dict[str, Any]]:
    """Return the regimes form's values by frequency: the plan's regimes, and the presets of
    those it does not have (unticked)."""
    current = {r.frequency: r for r in regimes.regimes(plan)}
    entries = {}
    for frequency in regimes.FREQUENCY_ORDER:
        regime = current.get(frequency) or regimes.PRESETS[frequency]
        entries[frequency] = {**regime.as_data(), "applies": frequency in current}
    return entries


def set_regimes(
    session: Session, plan: Plan, entries: Mapping[str, Mapping[str, Any]], actor_id: int | None
) -> list[regimes.Regime]:
    """Store the regimes `entries` gives by frequency (those marked `applies`); errors are
    keyed `<frequency>.<field>`. Only a draft plan's regimes change: an issued plan's rounds
    are already open."""
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError("Chỉ sửa chế độ báo cáo khi kế hoạch còn là bản dự thảo")
    errors: dict[str, str] = {}
    chosen = []
    for frequency in regimes.FREQUENCY_ORDER:
        entry = entries.get(frequency) or {}
        if entry.get("applies"):
            chosen.append(_regime(frequency, entry, errors))
    if not any(not r.internal for r in chosen):
        errors["regimes"] = "Chọn ít nhất một chế độ báo cáo định kỳ của các đơn vị"
    if errors:
        raise FieldErrors(errors)
    plan.settings = {**(plan.settings or {}), "regimes": [r.as_data() for r in chosen]}
    audit.record(
        session,
        "plan.regimes_set",
        actor_id=actor_id,
        plan_id=plan.id,
        regimes=[r.frequency for r in chosen],
    )
    return chosen


def _regime(frequency: str, entry: Mapping[str, Any], errors: dict[str, str]) -> regimes.Regime:
    current = regimes.PRESETS[frequency].as_data()
    for name, limit in TEXT_LIMITS.items():
        text = " ".join(str(entry.get(name) or "").split())
        if name == "name" and not text:
            errors[f"{frequency}.name"] = "Vui lòng nhập tên chế độ báo cáo"
        elif len(text) > limit:
            errors[f"{frequency}.{name}"] = f"Tối đa {limit} ký tự"
        current[name] = text
    for name, (low, high) in NUMBER_LIMITS.items():
        raw = str(entry.get(name) or "").strip()
        if not raw and name in OPTIONAL_NUMBERS:
            current[name] = None
        elif raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
            current[name] = int(raw)
        else:
            errors[f"{frequency}.{name}"] = f"Nhập một số từ {low} đến {high}"
    if regimes.PRESETS[frequency].internal:  # the communes' departments, by definition
        reporters = [regimes.INTERNAL]
    else:
        reporters = [k for k in REPORTER_KINDS if k in (entry.get("reporters") or ())]
    if not reporters:
        errors[f"{frequency}.reporters"] = "Chọn ít nhất một loại đơn vị báo cáo"
    current["reporters"] = reporters
    current["due_dates"] = []
    return regimes.Regime.from_data(current)
