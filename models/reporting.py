"""Quarterly reports, inspections, extension requests and aggregated province reports."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.tenancy import TenantOwned


class ReportStatus(StrEnum):
    """Lifecycle of a unit's report for one round."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    APPROVED = "approved"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Report(TenantOwned, Base):
    """A unit's report for one round (q1–q4): KPI actuals and verdicts, task statuses."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("plan_id", "unit_id", "round_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    round_key: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date]
    status: Mapped[ReportStatus] = mapped_column(String(20), default=ReportStatus.NOT_STARTED)
    kpi_results: Mapped[list[Any]] = mapped_column(default=list)
    task_statuses: Mapped[list[Any]] = mapped_column(default=list)
    report_number: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)  # difficulties (khó khăn, vướng mắc)
    proposals: Mapped[str | None] = mapped_column(Text)  # đề xuất, kiến nghị
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)
    review_comments: Mapped[str | None] = mapped_column(Text)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # an ad-hoc request's answers
    updated_at: Mapped[datetime]


class Inspection(TenantOwned, Base):
    """An inspection of one unit: findings, signed conclusion, remediation."""

    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("plan_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    due_date: Mapped[date]
    findings: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)
    conclusion_number: Mapped[str | None] = mapped_column(String(60))
    conclusion: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None]
    remediation_required: Mapped[bool] = mapped_column(default=False)
    remediation_due: Mapped[date | None]
    remediation_report: Mapped[str | None] = mapped_column(Text)
    remediation_submitted_at: Mapped[datetime | None]
    remediation_late: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class StageStatusRow(TenantOwned, Base):
    """The facts of one unit's stage of a plan, kept in the transaction that changes them
    (engine.domain.stage_projection): the status is computed from them at read time."""

    __tablename__ = "stage_status"
    __table_args__ = (
        UniqueConstraint("plan_id", "stage_key", "unit_id"),
        Index("ix_stage_status_plan_unit", "plan_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    stage_key: Mapped[str] = mapped_column(String(20))
    process_key: Mapped[str] = mapped_column(String(80))
    round_key: Mapped[str] = mapped_column(String(20), default="")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    recorded: Mapped[bool] = mapped_column(default=False)  # the stage's record exists
    started: Mapped[bool] = mapped_column(default=False)  # its instance exists
    due: Mapped[date | None]
    submitted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)  # submitted after the due (business) date


class StageStatusCount(TenantOwned, Base):
    """How many `stage_status` rows of a plan's stage have the same facts a status is computed
    from (a bucket), kept by deltas in the transaction that writes those rows
    (engine.domain.stage_counts): the matrix's counts read a few dozen rows, not every unit."""

    __tablename__ = "stage_status_count"
    __table_args__ = (Index("ix_stage_status_count_plan_stage", "plan_id", "stage_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    stage_key: Mapped[str] = mapped_column(String(20))
    recorded: Mapped[bool]
    started: Mapped[bool]
    due: Mapped[date | None]  # nullable, so a plain unique key would not hold: the writers lock
    submitted: Mapped[bool]
    late: Mapped[bool]
    n: Mapped[int]  # the number of units (rows) in the bucket, never 0 (empty buckets go)


class ExtensionStatus(StrEnum):
    """Lifecycle of an extension request (gia hạn)."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class ExtensionRequest(TenantOwned, Base):
    """A unit asks Sở KHCN for a later deadline on one instance."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    current_due: Mapped[date]
    requested_due: Mapped[date]
    status: Mapped[ExtensionStatus] = mapped_column(String(20), default=ExtensionStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class AggregateReport(TenantOwned, Base):
    """The province report of one round, computed from the units' data."""

    __tablename__ = "aggregate_report"
    __table_args__ = (UniqueConstraint("plan_id", "round_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    round_key: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    generated_at: Mapped[datetime]
    reviewed_comments: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class BpmnMessage(TenantOwned, Base):
    """A message thrown by one instance, routed by the application to waiting instances."""

    __tablename__ = "bpmn_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None] = mapped_column(index=True)
    delivered_to: Mapped[int] = mapped_column(default=0)


class MessageSubscription(TenantOwned, Base):
    """An instance waiting for a message (kept in step with its state, like the timer index)."""

    __tablename__ = "message_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    message_name: Mapped[str] = mapped_column(String(120), index=True)
