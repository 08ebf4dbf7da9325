"""Issue an ad-hoc report request (báo cáo đột xuất): Sở KHCN or UBND tỉnh names the document
(e.g. Công văn 2842/UBND-NC), the subject, the units, the deadline and the questions. The
request is a round of its own: it opens at once (one `adhoc_report` per chosen unit, reminded
and escalated like any report) and closes after the deadline with the province report."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from engine.core import audit, calendars, clock
from engine.core.errors import ConflictError, FieldErrors, NotFoundError, PermissionDeniedError
from engine.core.permissions import Actor, may_issue_requests
from engine.domain import adhoc
from engine.domain.adhoc import RequestInput
from engine.processes import effects
from models import AdhocRequest, Plan, PlanStatus

LIMITS = {"number": 60, "issuer": 200, "subject": 2000}


def issue(session: Session, actor: Actor, plan_id: int, data: RequestInput) -> AdhocRequest:
    """Record the request and open its round; FieldErrors name each field to fix."""
    if not may_issue_requests(actor):
        raise PermissionDeniedError("Chỉ Sở KHCN hoặc UBND tỉnh được yêu cầu báo cáo đột xuất")
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("Không tìm thấy kế hoạch")
    if plan.status != PlanStatus.ISSUED:
        raise ConflictError("Chỉ yêu cầu báo cáo đột xuất theo kế hoạch đã ban hành")
    questions, errors = adhoc.parse_questions(data.questions)
    issued, due, date_errors = adhoc.parse_request_dates(data, plan.year)
    errors |= date_errors | _text_errors(data)
    unit_ids = adhoc.chosen_units(session, data.scope, data.unit_ids)
    if data.scope not in adhoc.SCOPES or not unit_ids:
        errors["unit_ids"] = "Chọn các đơn vị phải báo cáo"
    if errors or issued is None or due is None:
        raise FieldErrors(errors)
    request = AdhocRequest(
        plan_id=plan.id,
        round_key=adhoc.next_round_key(plan),
        number=data.number.strip(),
        issued_on=issued,
        issuer=data.issuer.strip(),
        subject=data.subject.strip(),
        due_date=due,
        unit_ids=unit_ids,
        questions=questions,
        created_by_id=actor.user_id,
        created_at=clock.now(),
    )
    plan.adhoc_requests.append(request)
    session.flush()
    audit.record(
        session,
        "adhoc.issued",
        actor_id=actor.user_id,
        plan_id=plan.id,
        round=request.round_key,
        number=request.number,
        units=len(unit_ids),
    )
    _open_round(session, plan, request)
    return request


def _text_errors(data: RequestInput) -> dict[str, str]:
    errors = {}
    for name, limit in LIMITS.items():
        value = str(getattr(data, name)).strip()
        if not value:
            errors[name] = "Vui lòng nhập nội dung này"
        elif len(value) > limit:
            errors[name] = f"Tối đa {limit} ký tự"
    return errors


def _open_round(session: Session, plan: Plan, request: AdhocRequest) -> None:
    """Start the request's round now; it closes the plan's grace days after the deadline."""
    calendar = calendars.load(session)
    closes = calendar.add_working_days(request.due_date, plan.grace_days + 1)
    window = {
        "open_at": (clock.now() - timedelta(seconds=1)).isoformat(),  # due now: opens at once
        "close_at": calendars.morning(closes).isoformat(),
    }
    effects.start_round(session, plan, request.round_key, "adhoc_report", window)
    effects.settle(session)
