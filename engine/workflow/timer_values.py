"""Range checks of timer values: one rule for upload lint and for every timer that starts.

SpiffWorkflow turns a timer's value into a date by its own arithmetic, which loops month by
month over a duration and overflows past year 9999 (`P99999Y` crashed every completion
before it). Lint checks literal timer expressions with `problem`; the script engine checks
the value of every evaluated timer expression with `check_evaluated` before SpiffWorkflow
sees it, so a bad value puts the instance in error with a clear message instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from engine.core.errors import ScriptRefusedError

MIN_YEAR = 1970
MAX_YEAR = 2199
MAX_YEARS = 100
MAX_DAYS = MAX_YEARS * 366
_DAYS_PER = {
    "years": 366.0,
    "months": 31.0,
    "weeks": 7.0,
    "days": 1.0,
    "hours": 1 / 24,
    "minutes": 1 / 1440,
    "seconds": 1 / 86400,
}
KINDS: dict[type, str] = {
    TimeDateEventDefinition: "timeDate",
    DurationTimerEventDefinition: "timeDuration",
    CycleTimerEventDefinition: "timeCycle",
}
LABELS = {"timeDate": "thời điểm", "timeDuration": "thời lượng", "timeCycle": "chu kỳ"}


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


def _duration_problem(text: str) -> str | None:
    parsed = TimerEventDefinition.parse_iso_duration(text)
    days = sum(float(parsed.get(unit, 0)) * factor for unit, factor in _DAYS_PER.items())
    if days > MAX_DAYS:
        return f"Bộ hẹn giờ: thời lượng '{_shown(text)}' quá dài (tối đa {MAX_YEARS} năm)"
    return None


def _date_problem(text: str) -> str | None:
    if text.upper().startswith("P"):
        return f"Bộ hẹn giờ: '{_shown(text)}' là thời lượng, không phải thời điểm"
    if "W" in text.upper():
        moment = TimerEventDefinition.parse_iso_week(text)
    else:
        moment = datetime.fromisoformat(text)
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return (
            f"Bộ hẹn giờ: thời điểm '{_shown(text)}' nằm ngoài khoảng cho phép "
            f"(01/01/{MIN_YEAR} – 31/12/{MAX_YEAR})"
        )
    TimerEventDefinition.get_datetime(text)
    return None


def _cycle_problem(text: str) -> str | None:
    components = text.upper().replace("--", "/").strip("R").split("/")
    if len(components) not in (2, 3):
        raise ValueError(text)
    int(components[0] or "-1")
    for part in components[1:]:
        found = _duration_problem(part) if part.startswith("P") else _date_problem(part)
        if found:
            return found
    TimerEventDefinition.parse_iso_recurring_interval(text)
    return None


_CHECKS = {
    "timeDate": _date_problem,
    "timeDuration": _duration_problem,
    "timeCycle": _cycle_problem,
}


def problem(kind: str, value: Any) -> str | None:
    """Return why `value` cannot drive a timer of `kind` (timeDate, timeDuration, timeCycle)."""
    label = LABELS.get(kind, "giá trị")
    if not isinstance(value, str):
        return f"Bộ hẹn giờ: {label} phải là chuỗi ISO 8601, không phải {type(value).__name__}"
    try:
        return _CHECKS[kind](value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exceptions for bad values
        return f"Bộ hẹn giờ: {label} '{_shown(value)}' không đúng định dạng ISO 8601"


def check_evaluated(task_spec: Any, expression: str, value: Any) -> None:
    """Refuse `value` when `expression` is the timer expression of `task_spec` and is bad."""
    definition = getattr(task_spec, "event_definition", None)
    kinds = [kind for cls, kind in KINDS.items() if isinstance(definition, cls)]
    if not kinds or getattr(definition, "expression", None) != expression:
        return
    found = problem(kinds[0], value)
    if found:
        raise ScriptRefusedError(found)
