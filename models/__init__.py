"""SQLAlchemy 2 models of plancascade."""

from models.admin import ProcessDraft
from models.base import Base
from models.mail import MailMode, MailOutbox, MailStatus
from models.org import PROVINCE_WIDE_ROLES, Role, RoleMembership, Substitution, Unit, UnitKind, User
from models.plans import (
    AdhocRequest,
    Plan,
    PlanKpi,
    PlanStatus,
    PlanTask,
    TemplateTask,
    UnitPlan,
    UnitPlanStatus,
)
from models.reporting import (
    AggregateReport,
    BpmnMessage,
    ExtensionRequest,
    ExtensionStatus,
    Inspection,
    MessageSubscription,
    Report,
    ReportStatus,
    StageStatusRow,
)
from models.security import LoginFailure, RateLimitCounter
from models.tenancy import HOME_TENANT_ID, Tenant, TenantLevel, TenantOwned
from models.workflow import (
    AuditEvent,
    CalendarDay,
    HumanTask,
    HumanTaskStatus,
    InstanceStatus,
    Notification,
    NotificationRead,
    ProcessDefinition,
    ProcessInstance,
    Timer,
)

__all__ = [
    "HOME_TENANT_ID",
    "Tenant",
    "TenantLevel",
    "TenantOwned",
    "AdhocRequest",
    "AggregateReport",
    "BpmnMessage",
    "ExtensionRequest",
    "ExtensionStatus",
    "Inspection",
    "MessageSubscription",
    "Report",
    "ReportStatus",
    "StageStatusRow",
    "AuditEvent",
    "Base",
    "CalendarDay",
    "HumanTask",
    "HumanTaskStatus",
    "InstanceStatus",
    "LoginFailure",
    "MailMode",
    "MailOutbox",
    "MailStatus",
    "Notification",
    "NotificationRead",
    "PROVINCE_WIDE_ROLES",
    "Plan",
    "PlanKpi",
    "PlanStatus",
    "PlanTask",
    "ProcessDefinition",
    "ProcessDraft",
    "ProcessInstance",
    "RateLimitCounter",
    "Role",
    "RoleMembership",
    "Substitution",
    "TemplateTask",
    "Timer",
    "Unit",
    "UnitKind",
    "UnitPlan",
    "UnitPlanStatus",
    "User",
]
