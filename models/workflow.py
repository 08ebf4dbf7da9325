"""Process definitions, instances, the human-task projection and the timer index."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.tenancy import TenantOwned


class InstanceStatus(StrEnum):
    """Lifecycle of a process instance."""

    RUNNING = "running"
    COMPLETED = "completed"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    ERROR = "error"


class HumanTaskStatus(StrEnum):
    """Lifecycle of a projected user task."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ProcessDefinition(Base):
    """An immutable, numbered deployment of one BPMN process."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    checksum: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ProcessInstance(TenantOwned, Base):
    """One running workflow: one process for one unit (and one round) of one plan."""

    __tablename__ = "process_instance"
    __table_args__ = (
        UniqueConstraint("process_key", "plan_id", "unit_id", "round_key", name="uq_instance_key"),
        Index("ix_process_instance_stage", "plan_id", "round_key", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(80))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    round_key: Mapped[str] = mapped_column(String(20), default="")
    parent_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    status: Mapped[InstanceStatus] = mapped_column(String(20), default=InstanceStatus.RUNNING)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    lock_version: Mapped[int] = mapped_column(default=1)
    due_date: Mapped[date | None]
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    error_message: Mapped[str | None] = mapped_column(Text)

    definition: Mapped[ProcessDefinition] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class HumanTask(TenantOwned, Base):
    """A ready user task, projected from the workflow so lists never deserialize workflows."""

    __tablename__ = "human_task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_human_task_inbox", "status", "role", "unit_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    process_key: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    role: Mapped[str] = mapped_column(String(40))
    form_key: Mapped[str] = mapped_column(String(80))
    due_date: Mapped[date | None]
    status: Mapped[HumanTaskStatus] = mapped_column(String(20), default=HumanTaskStatus.READY)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    draft: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    instance: Mapped[ProcessInstance] = relationship()


class Timer(TenantOwned, Base):
    """A waiting timer event of an instance; `tick` reads only rows already due."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    event_name: Mapped[str] = mapped_column(String(120))
    due_at: Mapped[datetime] = mapped_column(index=True)


class Notification(TenantOwned, Base):
    """A message to the holders of a role in a unit (reminder, escalation): the outbox."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_recipient", "recipient_role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    recipient_role: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # a bundle (e.g. the day's new reviews of one stage for Sở KHCN): one notice updated while
    # nobody has read it, instead of one notice per unit; `bundle_units` names the units in it
    bundle_key: Mapped[str | None] = mapped_column(String(120), index=True)
    bundle_units: Mapped[list[Any] | None]


class NotificationRead(TenantOwned, Base):
    """One user's having read one notice (the notice itself is shared by its role's holders)."""

    __tablename__ = "notification_read"

    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id"), primary_key=True, index=True
    )
    read_at: Mapped[datetime]


class AuditEvent(TenantOwned, Base):
    """An append-only record of one state change: who, when, what."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CalendarDay(Base):
    """A province override of the working-day calendar (extra day off or swapped working day)."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
