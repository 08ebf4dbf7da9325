"""Domain errors raised by the engine; web/ maps them to 4xx responses."""

from __future__ import annotations

from dataclasses import dataclass, field


class PlancascadeError(Exception):
    """Base of every domain error; `message` is Vietnamese and safe to show to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(PlancascadeError):
    """The object does not exist or the user may not see it."""


class PermissionDeniedError(PlancascadeError):
    """The user may see the object but may not act on it."""


class TaskNotReadyError(PlancascadeError):
    """The task was already completed or cancelled."""


class ConflictError(PlancascadeError):
    """Someone else changed the instance meanwhile; reload and retry."""


class ScriptRefusedError(PlancascadeError):
    """An expression or script uses something the sandbox forbids."""


@dataclass
class Problem:
    """One problem found in a BPMN file, located by element and line."""

    message: str
    element: str | None = None
    name: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the JSON form used by `plancascade validate`."""
        return {
            "element": self.element,
            "name": self.name,
            "line": self.line,
            "message": self.message,
        }


class InvalidDefinitionError(PlancascadeError):
    """A BPMN file failed parsing or lint; `problems` says where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "; ".join(p.message for p in problems) or "Định nghĩa quy trình không hợp lệ"
        )
        self.problems = problems


@dataclass
class FieldErrors(PlancascadeError):
    """Form data failed validation; `errors` maps a field path to a Vietnamese message."""

    errors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(
            "Dữ liệu nhập chưa hợp lệ: " + "; ".join(f"{k}: {v}" for k, v in self.errors.items())
        )
