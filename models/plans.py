"""The province plan (KPIs, tasks, templates) and each unit's adopted plan."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.tenancy import TenantOwned


class PlanStatus(StrEnum):
    """Lifecycle of a province plan."""

    DRAFT = "draft"
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"


class UnitPlanStatus(StrEnum):
    """Lifecycle of a unit's adopted plan."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    APPROVED = "approved"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Plan(TenantOwned, Base):
    """A yearly province plan (e.g. Quyết định 33/QĐ-UBND for 2026)."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    decision_number: Mapped[str | None] = mapped_column(String(60))
    decision_date: Mapped[date | None]
    signer: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[PlanStatus] = mapped_column(String(20), default=PlanStatus.DRAFT)
    adoption_due_date: Mapped[date]
    reminder_days_before: Mapped[int] = mapped_column(default=2)
    grace_days: Mapped[int] = mapped_column(default=5)
    target_kinds: Mapped[list[Any]] = mapped_column(default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    # the plan of the level above it was adapted from (the Ministry's guidance for a province)
    parent_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))

    kpis: Mapped[list[PlanKpi]] = relationship(
        back_populates="plan", order_by="PlanKpi.position", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="plan", order_by="PlanTask.position", cascade="all, delete-orphan"
    )
    template_tasks: Mapped[list[TemplateTask]] = relationship(
        back_populates="plan", order_by="TemplateTask.position", cascade="all, delete-orphan"
    )
    adhoc_requests: Mapped[list[AdhocRequest]] = relationship(
        back_populates="plan", order_by="AdhocRequest.id", cascade="all, delete-orphan"
    )


class PlanKpi(TenantOwned, Base):
    """One KPI of Phụ lục I with its province target."""

    __tablename__ = "plan_kpi"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    group_code: Mapped[str] = mapped_column(String(10))
    group_name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    measurable: Mapped[bool] = mapped_column(default=True)
    target_text: Mapped[str | None] = mapped_column(String(200))
    target_value: Mapped[float | None]
    target_unit: Mapped[str | None] = mapped_column(String(20))
    comparator: Mapped[str | None] = mapped_column(String(4))
    lead: Mapped[str | None] = mapped_column(Text)
    coordinating: Mapped[str | None] = mapped_column(Text)
    baseline_text: Mapped[str | None] = mapped_column(Text)  # "Kết quả năm <Y-1>", as written

    plan: Mapped[Plan] = relationship(back_populates="kpis")


class PlanTask(TenantOwned, Base):
    """One task of Phụ lục II."""

    __tablename__ = "plan_task"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    group_code: Mapped[str] = mapped_column(String(10))
    group_name: Mapped[str] = mapped_column(String(300))
    parent_code: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    coordinating: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    deadline_text: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="tasks")


class TemplateTask(TenantOwned, Base):
    """A task of the department or commune template a unit starts its own plan from."""

    __tablename__ = "template_task"
    __table_args__ = (UniqueConstraint("plan_id", "unit_kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    unit_kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    group_code: Mapped[str] = mapped_column(String(10))
    group_name: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    deadline_text: Mapped[str | None] = mapped_column(Text)
    province_task_code: Mapped[str | None] = mapped_column(String(20))

    plan: Mapped[Plan] = relationship(back_populates="template_tasks")


class UnitPlan(TenantOwned, Base):
    """A unit's adopted and adapted plan: chosen KPIs with own targets, tasks and who does them."""

    __tablename__ = "unit_plan"
    __table_args__ = (UniqueConstraint("plan_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[UnitPlanStatus] = mapped_column(String(20), default=UnitPlanStatus.NOT_STARTED)
    due_date: Mapped[date]
    kpis: Mapped[list[Any]] = mapped_column(default=list)
    tasks: Mapped[list[Any]] = mapped_column(default=list)
    plan_number: Mapped[str | None] = mapped_column(String(60))
    plan_date: Mapped[date | None]
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)
    review_comments: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class AdhocRequest(TenantOwned, Base):
    """An ad-hoc report request (báo cáo đột xuất), e.g. Công văn 2842/UBND-NC: the chosen
    units answer its questions (a JSON Schema) by its deadline, as a round of its own."""

    __tablename__ = "adhoc_request"
    __table_args__ = (UniqueConstraint("plan_id", "round_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    round_key: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[date]
    issuer: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date]
    unit_ids: Mapped[list[Any]] = mapped_column(default=list)
    questions: Mapped[list[Any]] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]

    plan: Mapped[Plan] = relationship(back_populates="adhoc_requests")
