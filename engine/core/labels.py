"""Vietnamese names of the codes users read: roles, unit kinds, processes and their rounds,
statuses, verdicts, decisions and audit actions. One table per concept, used by every page,
notification and report that shows it.

Keys are the codes' string values (the enums of `models` and of `engine.domain` are `StrEnum`s,
so a member looks a label up as well as its value); the modules keep the codes themselves.
"""

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

UNIT_KIND_LABELS: dict[str, str] = {
    "province": "Cấp tỉnh",
    "department": "Sở, ban, ngành",
    "commune": "Xã, phường",
    "internal": "Bộ phận trực thuộc",
    "other": "Khác",
}

PROCESS_LABELS: dict[str, str] = {
    "province_plan": "Kế hoạch của tỉnh",
    "unit_plan": "Kế hoạch của đơn vị",
    "quarterly_report": "Báo cáo quý",
    "internal_report": "Báo cáo của bộ phận",
    "inspection": "Kiểm tra",
    "aggregation": "Tổng hợp báo cáo",
    "reporting_round": "Đợt báo cáo",
    "adhoc_report": "Báo cáo đột xuất",
}

# What a process asks the unit to send, as notifications write it inside a sentence
# ("Nhắc việc: {đơn vị} cần gửi {…} trước ngày …").
STAGE_DOCUMENT_LABELS: dict[str, str] = {
    "unit_plan": "kế hoạch chuyển đổi số của đơn vị",
    "quarterly_report": "báo cáo quý",
    "inspection": "báo cáo khắc phục sau kiểm tra",
    "province_plan": "kế hoạch chuyển đổi số của tỉnh",
    "internal_report": "báo cáo của phòng, ban gửi UBND xã",
    "aggregation": "báo cáo tổng hợp của tỉnh",
    "adhoc_report": "báo cáo đột xuất",
}

# The stages that are not report rounds (a report round's name comes from its key: round_label).
ROUND_LABELS: dict[str, str] = {
    "adoption": "Xây dựng kế hoạch",
    "inspection": "Kiểm tra",
    "year": "Cả năm",
}
ROMAN_QUARTERS = ("I", "II", "III", "IV")

NOTICE_LABELS: dict[str, str] = {
    "reminder_before": "Nhắc việc",
    "due": "Đến hạn",
    "escalation": "Báo cáo chậm trễ",
    "returned": "Trả lại để chỉnh sửa",
    "extension_decided": "Quyết định gia hạn",
    "new_task": "Việc mới",
    "accepted": "Đã tiếp nhận",
    "report_approved": "Báo cáo tổng hợp được phê duyệt",
    "late_list": "Danh sách chậm gửi",
    "extension_requested": "Đề nghị gia hạn",
    "all_accepted": "Đã tiếp nhận tất cả",
}

# engine.domain.status.StageStatus: a deadline-bearing stage in the supervision matrix.
STAGE_STATUS_LABELS: dict[str, str] = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "in_progress": "Đang thực hiện trong hạn",
    "overdue": "Quá hạn",
    "not_started": "Chưa bắt đầu",
}

# The same, as a matrix cell writes it in short.
STAGE_STATUS_SHORT_LABELS: dict[str, str] = {
    "done_on_time": "Đúng hạn",
    "done_late": "Xong, quá hạn",
    "in_progress": "Trong hạn",
    "overdue": "Quá hạn",
    "not_started": "Chưa bắt đầu",
}

# models.InstanceStatus: a process instance.
INSTANCE_STATUS_LABELS: dict[str, str] = {
    "running": "Đang thực hiện",
    "completed": "Đã kết thúc",
    "suspended": "Tạm dừng",
    "cancelled": "Đã hủy",
    "error": "Lỗi",
}

# A unit plan or report record on the unit's page (not started yet, or its record's status),
# worded after whoever receives it (record_status_label).
RECORD_STATUS_LABELS: dict[str, str] = {
    "not_started": "Chưa bắt đầu",
    "draft": "Đang soạn thảo, chờ lãnh đạo duyệt",
    "approved": "Đã gửi, chờ {receiver} tiếp nhận",
    "returned": "Bị trả lại để chỉnh sửa",
    "accepted": "{receiver} đã tiếp nhận",
}
# A record sent to a receiver that takes it without an acceptance step (an internal
# department's report to its commune).
SENT_LABEL = "Đã gửi {receiver}"
DOST = "Sở KHCN"

# A province plan's lifecycle.
PLAN_STATUS_LABELS: dict[str, str] = {
    "draft": "Đang soạn thảo",
    "issued": "Đã ban hành",
    "withdrawn": "Đã thu hồi",
}

# A task of a unit's plan, as its quarterly report tells its progress.
PLAN_TASK_STATUS_LABELS: dict[str, str] = {
    "done": "Đã hoàn thành",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
}

# models.ExtensionStatus: a request for more time.
EXTENSION_STATUS_LABELS: dict[str, str] = {
    "pending": "Chờ Sở KHCN xem xét",
    "approved": "Đã chấp thuận",
    "refused": "Không chấp thuận",
}

# A substitution (ủy quyền) by its dates against today.
SUBSTITUTION_STATE_LABELS: dict[str, str] = {
    "upcoming": "Sắp hiệu lực",
    "active": "Đang hiệu lực",
    "ended": "Đã kết thúc",
}

# engine.domain.kpis.Verdict: a KPI result against its target.
VERDICT_LABELS: dict[str, str] = {"dat": "Đạt", "chua_dat": "Chưa đạt"}

COMPARATOR_LABELS: dict[str, str] = {">=": "≥", "<=": "≤", "=": "="}

# The decision a reviewer took when completing a step, in the instance's history.
DECISION_LABELS: dict[str, str] = {
    "approve": "đồng ý",
    "return": "trả lại để chỉnh sửa",
    "accept": "tiếp nhận",
    "refuse": "không đồng ý",
    "reject": "không đồng ý",
}

# Messages one process sends another, as the receiving instance's history names them.
MESSAGE_LABELS: dict[str, str] = {
    "plan_withdrawn": "Kế hoạch của tỉnh bị thu hồi",
    "unit_plan_accepted": "Kế hoạch của đơn vị đã được tiếp nhận",
}

# Audit actions, as an instance's history and the audit page name them (task steps are
# followed by the step's title; events composed from their details are written where they are
# described).
AUDIT_ACTION_LABELS: dict[str, str] = {
    "task.completed": "Hoàn thành bước",
    "task.draft_saved": "Lưu nháp bước",
    "task.claimed": "Nhận xử lý bước",
    "task.released": "Trả lại cho nhóm bước",
    "instance.started": "Khởi tạo quy trình",
    "instance.completed": "Quy trình kết thúc",
    "instance.error": "Quy trình gặp lỗi",
    "instance.migrated": "Chuyển phiên bản quy trình",
    "instance.suspended": "Tạm dừng quy trình",
    "instance.resumed": "Tiếp tục quy trình",
    "instance.retried": "Chạy lại bước lỗi",
    "instance.cancelled": "Hủy quy trình",
    "reminder.sent": "Nhắc việc",
    "reminder.skipped": "Không nhắc việc",
    "extension.requested": "Đề nghị gia hạn",
    "message.delivered": "Nhận thông báo từ quy trình khác",
    "plan.imported": "Nhập kế hoạch từ Excel",
    "plan.copied": "Sao chép kế hoạch năm trước",
    "guidance.cascaded": "Gửi hướng dẫn của Bộ xuống các tỉnh",
    "guidance.received": "Tỉnh nhận hướng dẫn của Bộ (dự thảo kế hoạch)",
    "units.imported": "Nhập đơn vị và tài khoản từ Excel",
    # the audit page's other kinds (its "Loại sự kiện" choice)
    "instance.escalated": "Báo cáo cấp trên do chậm trễ",
    "extension.approved": "Chấp thuận gia hạn",
    "extension.refused": "Không chấp thuận gia hạn",
    "message.thrown": "Gửi thông báo giữa các quy trình",
    "plan.cascaded": "Giao kế hoạch xuống các đơn vị",
    "plan.regimes_set": "Chọn chế độ báo cáo",
    "plan.withdrawn": "Thu hồi kế hoạch",
    "adhoc.issued": "Yêu cầu báo cáo đột xuất",
    "aggregation.generated": "Lập báo cáo tổng hợp",
    "definition.deployed": "Triển khai phiên bản quy trình",
    "definition.draft_saved": "Lưu bản nháp quy trình",
    "definition.draft_discarded": "Hủy bản nháp quy trình",
    "unit.created": "Thêm đơn vị",
    "unit.updated": "Sửa thông tin đơn vị",
    "unit.deactivated": "Ngừng hoạt động đơn vị",
    "unit.reactivated": "Khôi phục đơn vị",
    "user.created": "Thêm tài khoản",
    "user.updated": "Sửa tài khoản",
    "user.deactivated": "Khóa tài khoản",
    "user.reactivated": "Mở khóa tài khoản",
    "user.password_reset": "Đặt lại mật khẩu",
    "user.password_changed": "Đổi mật khẩu",
    "user.mail_mode": "Chọn cách nhận thư nhắc việc",
    "substitution.created": "Ủy quyền",
    "substitution.revoked": "Thu hồi ủy quyền",
}


def audit_action_label(action: str) -> str:
    """Return the Vietnamese name of an audit action (the code itself when unknown)."""
    return AUDIT_ACTION_LABELS.get(action, action)


def record_status_label(status: object, receiver: str = DOST, accepts: bool = True) -> str:
    """Return a unit plan's or report's status as the unit page words it, after its receiver
    ("Đã gửi, chờ Sở KHCN tiếp nhận"; to a commune that accepts nothing: "Đã gửi UBND xã Mường
    La"); "" when unknown."""
    key = str(status)
    if key == "approved" and not accepts:
        return SENT_LABEL.format(receiver=receiver)
    return RECORD_STATUS_LABELS.get(key, "").format(receiver=receiver)


def role_label(role: str) -> str:
    """Return the Vietnamese name of a role key (the key itself when unknown)."""
    return ROLE_LABELS.get(role, role)


def process_label(process_key: str) -> str:
    """Return the Vietnamese name of a process key (the key itself when unknown)."""
    return PROCESS_LABELS.get(process_key, process_key)


def notice_label(kind: str) -> str:
    """Return the Vietnamese name of a notification kind."""
    return NOTICE_LABELS.get(kind, "Thông báo")


def unit_kind_label(kind: object) -> str:
    """Return the Vietnamese name of a unit kind (the kind itself when unknown)."""
    return UNIT_KIND_LABELS.get(str(kind), str(kind))



def stage_status_short_label(status: object) -> str:
    """Return the short name of a stage status, as a matrix cell writes it ("—" when none)."""
    return STAGE_STATUS_SHORT_LABELS.get(str(status) if status else "", "—")


def comparator_label(comparator: object) -> str:
    """Return the sign of a target's comparator ("≥"); "" when none or unknown."""
    return COMPARATOR_LABELS.get(str(comparator), "") if comparator else ""


def round_label(key: str) -> str:
    """Return the Vietnamese name of a stage or report round from its key ("q3" → "Quý III",
    "h1" → "6 tháng đầu năm", "m4" → "Tháng 4", "y1" → "Báo cáo năm"; a round of communes'
    internal departments: "im4" → "Tháng 4 (phòng, ban)")."""
    if key in ROUND_LABELS:
        return ROUND_LABELS[key]
    if key[:1] == "i" and key[1:2] in ("m", "q"):
        inner = round_label(key[1:])
        return key if inner == key[1:] else f"{inner} (phòng, ban)"
    prefix, number = key[:1], key[1:]
    index = int(number) if number.isdigit() else 0
    if prefix == "q" and 1 <= index <= 4:
        return f"Quý {ROMAN_QUARTERS[index - 1]}"
    if prefix == "h" and index in (1, 2):
        return "6 tháng đầu năm" if index == 1 else "6 tháng cuối năm"
    if prefix == "m" and 1 <= index <= 12:
        return f"Tháng {index}"
    if prefix == "y" and index == 1:
        return "Báo cáo năm"
    if prefix == "r" and index >= 1:
        return f"Báo cáo đột xuất số {index}"
    return key


def round_phrase(round_key: str) -> str:
    """Return a round's name inside a sentence: its first letter in lower case and the rest as
    written ("Quý IV" → "quý IV", never "quý iv")."""
    return in_sentence(round_label(round_key))


def in_sentence(label: str) -> str:
    """Return a label as a sentence continues it: the first letter in lower case, the rest as
    written (Roman numerals and proper names keep their capitals)."""
    return label[:1].lower() + label[1:]


def report_document_label(round_key: str) -> str:
    """Return the report a round asks for, as a sentence names it ("q1" → "báo cáo quý I",
    "h2" → "báo cáo 6 tháng cuối năm", "m4" → "báo cáo tháng 4", "y1" → "báo cáo năm")."""
    if round_label(round_key) == round_key:
        return f"báo cáo đợt {round_key}"
    phrase = round_phrase(round_key)
    return phrase if phrase.startswith("báo cáo ") else f"báo cáo {phrase}"


def report_title(round_key: str) -> str:
    """Return the report a round asks for as a title starts it ("q4" → "Báo cáo quý IV"; never
    "Báo cáo quý iv", which a lower-casing "capitalize" gives)."""
    document = report_document_label(round_key)
    return document[:1].upper() + document[1:]
