"""Vietnamese names of roles, processes and notification kinds, shown wherever users read them."""

from __future__ import annotations

ROLE_LABELS: dict[str, str] = {
    "unit_staff": "Chuyên viên đơn vị",
    "unit_leader": "Lãnh đạo đơn vị",
    "dost_staff": "Chuyên viên Sở KHCN",
    "dost_leader": "Lãnh đạo Sở KHCN",
    "province_leader": "Lãnh đạo UBND tỉnh",
    "inspector": "Thành viên đoàn kiểm tra",
    "admin": "Quản trị hệ thống",
}

PROCESS_LABELS: dict[str, str] = {
    "province_plan": "Kế hoạch của tỉnh",
    "unit_plan": "Kế hoạch của đơn vị",
    "quarterly_report": "Báo cáo quý",
    "internal_report": "Báo cáo của bộ phận",
    "inspection": "Kiểm tra",
    "aggregation": "Tổng hợp báo cáo",
}

NOTICE_LABELS: dict[str, str] = {
    "reminder_before": "Nhắc việc",
    "due": "Đến hạn",
    "escalation": "Báo cáo chậm trễ",
}

UNIT_KIND_LABELS: dict[str, str] = {
    "province": "Cấp tỉnh",
    "department": "Sở, ban, ngành",
    "commune": "Xã, phường",
    "internal": "Bộ phận trực thuộc",
    "other": "Khác",
}


def role_label(role: str) -> str:
    """Return the Vietnamese name of a role key (the key itself when unknown)."""
    return ROLE_LABELS.get(role, role)


def process_label(process_key: str) -> str:
    """Return the Vietnamese name of a process key (the key itself when unknown)."""
    return PROCESS_LABELS.get(process_key, process_key)


def notice_label(kind: str) -> str:
    """Return the Vietnamese name of a notification kind."""
    return NOTICE_LABELS.get(kind, "Thông báo")
