"""Texts of the notifications the outbox carries: reminders and escalations, and the notices of
decisions (a return for revision, an extension decided, a new task, an acceptance, an approved
province report)."""

from __future__ import annotations

from datetime import date

from engine.core.formatting import format_date, format_deadline
from engine.core.labels import STAGE_DOCUMENT_LABELS, report_document_label, round_label

KIND_TEMPLATES = {
    "all_accepted": "Tất cả các đơn vị đã được tiếp nhận kế hoạch chuyển đổi số của đơn vị.",
    "reminder_before": "Nhắc việc: {unit} cần gửi {stage}, hạn cuối: {deadline}.",
    "due": (
        "Đến hạn: hôm nay ({due}) là ngày cuối để {unit} gửi {stage} đúng hạn (hết ngày "
        "hôm nay); đề nghị lãnh đạo đơn vị chỉ đạo hoàn thành."
    ),
    "escalation": (
        "Báo cáo chậm trễ: {unit} chưa gửi {stage} (hạn {due}), đề nghị UBND tỉnh chỉ đạo."
    ),
    "escalation_parent": (
        "Báo cáo chậm trễ: {unit} chưa gửi {stage} (hạn {due}), đề nghị lãnh đạo UBND xã chỉ đạo."
    ),
}


def message_for(kind: str, unit_name: str, process_key: str, due: str, round_key: str = "") -> str:
    """Return the Vietnamese text of a notification (naming the round of a report)."""
    template = KIND_TEMPLATES.get(kind, "Thông báo về {stage} của {unit} (hạn {due}).")
    return template.format(unit=unit_name, stage=stage_document(process_key, round_key), due=due,
                           deadline=format_deadline(due))


def stage_document(process_key: str, round_key: str = "") -> str:
    """Return what a stage asks a unit to send, as a sentence names it."""
    if round_key and process_key == "quarterly_report":
        return report_document_label(round_key)
    stage = STAGE_DOCUMENT_LABELS.get(process_key, process_key)
    if process_key == "adhoc_report":
        return stage
    if round_key and stage.startswith("báo cáo "):  # "báo cáo quý I của phòng, ban gửi UBND xã"
        return report_document_label(round_key) + stage.removeprefix("báo cáo")
    return f"{stage} ({round_label(round_key)})" if round_key else stage


# Who sent a document back, as a `returned` notice names them (by the returning step's role).
RETURNED_BY = {
    "dost_staff": "Sở KHCN",
    "dost_leader": "lãnh đạo Sở KHCN",
    "province_leader": "UBND tỉnh",
}


def _about(process_key: str, round_key: str, unit_name: str) -> str:
    """Return "Báo cáo quý I – Xã Mường La": the stage's document, capitalised, and its unit (as
    mail subjects name them)."""
    document = stage_document(process_key, round_key)
    return f"{document[:1].upper()}{document[1:]} – {unit_name}"


def returned_message(
    process_key: str, round_key: str, unit_name: str, by_role: str, comment: str
) -> str:
    """Return the text of a return for revision, with the reviewer's comment."""
    by = RETURNED_BY.get(by_role, "lãnh đạo đơn vị")
    about = _about(process_key, round_key, unit_name)
    text = f"{by[:1].upper()}{by[1:]} trả lại để chỉnh sửa: {about}."
    return f"{text} Ý kiến: {comment.strip()}" if comment.strip() else text


def new_task_message(
    title: str, process_key: str, round_key: str, unit_name: str, due: date | None
) -> str:
    """Return the text of a new task arriving for a role (with its deadline when it has one)."""
    text = f"Việc mới cần xử lý: {title} ({_about(process_key, round_key, unit_name)})"
    return f"{text}, hạn {format_date(due)}." if due else f"{text}."


def extension_message(
    process_key: str, round_key: str, unit_name: str, due: date, reason: str | None
) -> str:
    """Return the text of an extension decided: approved up to `due` (no `reason`), or refused
    for `reason` (the deadline stays `due`)."""
    about = _about(process_key, round_key, unit_name)
    if reason is None:
        return f"Sở KHCN chấp thuận gia hạn: {about}, hạn mới {format_date(due)}."
    return (
        f"Sở KHCN không chấp thuận đề nghị gia hạn: {about}, hạn vẫn là {format_date(due)}. "
        f"Lý do: {reason.strip()}"
    )


def accepted_message(process_key: str, round_key: str, unit_name: str) -> str:
    """Return the text of Sở KHCN accepting a unit's plan or report."""
    return f"Sở KHCN đã tiếp nhận: {_about(process_key, round_key, unit_name)}."


def report_approved_message(round_key: str) -> str:
    """Return the text of the province report of a round approved by Sở KHCN's leader."""
    document = stage_document("aggregation", round_key)
    return f"{document[:1].upper()}{document[1:]} đã được lãnh đạo Sở KHCN phê duyệt."


BUNDLE_NAMES = 20  # a bundle's text names this many units, then counts the others


def _names(unit_names: list[str]) -> str:
    """Return "Xã A, Xã B và 3 đơn vị khác": the first `BUNDLE_NAMES` names, then a count."""
    shown = ", ".join(unit_names[:BUNDLE_NAMES])
    rest = len(unit_names) - BUNDLE_NAMES
    return f"{shown} và {rest} đơn vị khác" if rest > 0 else shown


def new_tasks_message(title: str, process_key: str, round_key: str, unit_names: list[str]) -> str:
    """Return the text of a bundle of new tasks of one kind from several units (Sở KHCN's
    reviews of a day): "3 việc mới cần xử lý: Tiếp nhận báo cáo (báo cáo quý I) – Xã A, …"."""
    document = stage_document(process_key, round_key)
    return (
        f"{len(unit_names)} việc mới cần xử lý: {title} ({document}) – {_names(unit_names)}."
    )


def late_list_message(process_key: str, round_key: str, due: str, unit_names: list[str]) -> str:
    """Return the text of the units escalated to UBND tỉnh for one stage on one day, as Sở
    KHCN's late list reads."""
    document = stage_document(process_key, round_key)
    return (
        f"Danh sách chậm gửi {document} (hạn {due}), đã báo cáo UBND tỉnh: "
        f"{len(unit_names)} đơn vị – {_names(unit_names)}."
    )


def extension_requested_message(
    process_key: str, round_key: str, unit_name: str, due: date, reason: str
) -> str:
    """Return the text of a unit asking Sở KHCN for more time, up to `due`, for `reason`."""
    about = _about(process_key, round_key, unit_name)
    return f"Đề nghị gia hạn: {about}, đến ngày {format_date(due)}. Lý do: {reason.strip()}"
