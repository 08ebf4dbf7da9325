"""The functions BPMN scripts may call (`notify`, `escalate`, `cascade`, …) and their effects.

A function only records what the script asked for in the `Effects` of the current engine run
(`collect_effects`); the engine applies them when it saves, never the script itself.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from engine.core.errors import ScriptRefusedError


@dataclass
class Effects:
    """What scripts asked for during one engine run: notifications, escalations, cascades."""

    notifications: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    escalations: list[str] = field(default_factory=list)
    cascades: list[tuple[str, str]] = field(default_factory=list)
    aggregations: list[str] = field(default_factory=list)
    inspections: int = 0
    rounds: int = 0

    def __bool__(self) -> bool:
        """Tell whether any effect was requested."""
        return bool(
            self.notifications
            or self.escalations
            or self.cascades
            or self.aggregations
            or self.inspections
            or self.rounds
        )


_effects: ContextVar[Effects | None] = ContextVar("plancascade_effects", default=None)


def _current_effects() -> Effects:
    effects = _effects.get()
    if effects is None:
        raise ScriptRefusedError("Hàm này chỉ dùng được khi quy trình đang chạy")
    return effects


def notify(roles: list[str] | str, kind: str) -> None:
    """Ask the engine to notify the holders of `roles` in the instance's unit."""
    names = (roles,) if isinstance(roles, str) else tuple(str(r) for r in roles)
    _current_effects().notifications.append((names, str(kind)))


def escalate(role: str) -> None:
    """Ask the engine to escalate the instance to `role` (province-wide)."""
    _current_effects().escalations.append(str(role))


def cascade(process_key: str, round_key: str = "") -> None:
    """Ask the engine to start `process_key` (for `round_key`) for every target unit of the plan."""
    _current_effects().cascades.append((str(process_key), str(round_key)))


def aggregate(round_key: str) -> None:
    """Ask the engine to compute the province report of `round_key` and start its review."""
    _current_effects().aggregations.append(str(round_key))


def open_rounds() -> None:
    """Ask the engine to open every report round of the plan's regimes (one instance each)."""
    _current_effects().rounds += 1


def start_inspections() -> None:
    """Ask the engine to start an inspection for every unit selected for inspection."""
    _current_effects().inspections += 1


SCRIPT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "notify": notify,
    "escalate": escalate,
    "cascade": cascade,
    "aggregate": aggregate,
    "start_inspections": start_inspections,
    "open_rounds": open_rounds,
}


class collect_effects:
    """Context manager that collects the effects scripts request during engine steps."""

    def __enter__(self) -> Effects:
        self.effects = Effects()
        self._token = _effects.set(self.effects)
        return self.effects

    def __exit__(self, *exc: object) -> None:
        _effects.reset(self._token)
