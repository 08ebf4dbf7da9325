"""Texts of the notifications (reminders, escalations) the outbox carries."""

from __future__ import annotations

from engine.core.labels import STAGE_DOCUMENT_LABELS

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
        "Báo cáo chậm trễ: {unit} chưa gửi {stage} (hạn {due}), "
        "đề nghị lãnh đạo UBND xã chỉ đạo."
    ),
}


def message_for(kind: str, unit_name: str, process_key: str, due: str) -> str:
    """Return the Vietnamese text of a notification."""
    template = KIND_TEMPLATES.get(kind, "Thông báo về {stage} của {unit} (hạn {due}).")
    stage = STAGE_DOCUMENT_LABELS.get(process_key, process_key)
    return template.format(unit=unit_name, stage=stage, due=due)
