"""Texts of the notifications (reminders, escalations) the outbox carries."""

from __future__ import annotations

from engine.core.labels import STAGE_DOCUMENT_LABELS, report_document_label, round_label

KIND_TEMPLATES = {
    "all_accepted": "Tất cả các đơn vị đã được tiếp nhận kế hoạch chuyển đổi số của đơn vị.",
    "reminder_before": "Nhắc việc: {unit} cần gửi {stage} trước ngày {due}.",
    "due": (
        "Đến hạn: hôm nay ({due}) là hạn {unit} gửi {stage}; "
        "đề nghị lãnh đạo đơn vị chỉ đạo hoàn thành."
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
    return template.format(unit=unit_name, stage=stage_document(process_key, round_key), due=due)


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
