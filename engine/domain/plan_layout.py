"""The province plan as officials hold it in Excel: the annexes' own sheets and column titles.

Sheets, in this order: `Phụ lục I` (KPIs), `Phụ lục II` (tasks), `Sở, ban, ngành` and
`Xã, phường` (the two templates units start from), `Thông tin` (year, title, deadline,
decision). Group rows carry a Roman numeral in `STT` and the group's title; item codes are
built as in the annex (I.1, II.8.1, V.5.3). `plan_workbook` reads this layout and writes it
back, so export → import gives the same plan.
"""

from __future__ import annotations

KPI_SHEET = "Phụ lục I"
TASK_SHEET = "Phụ lục II"
TEMPLATE_SHEETS = {"department": "Sở, ban, ngành", "commune": "Xã, phường"}
INFO_SHEET = "Thông tin"

STT = "STT"
KPI_NAME = "Các mục tiêu/chỉ tiêu"
BASELINE = "Kết quả năm"  # followed by the previous year in the header: "Kết quả năm 2025"
TARGET = "Chỉ tiêu"  # followed by the plan's year: "Chỉ tiêu 2026"
LEAD = "Cơ quan chủ trì"
COORDINATING = "Cơ quan phối hợp"
TASK_NAME = "Tên nhiệm vụ"
PRODUCT = "Sản phẩm"
DEADLINE = "Thời gian hoàn thành"
PROVINCE_TASK = "Nhiệm vụ của tỉnh"  # optional: the Phụ lục II code a template task serves

KPI_COLUMNS = (STT, KPI_NAME, BASELINE, TARGET, LEAD, COORDINATING)
TASK_COLUMNS = (STT, TASK_NAME, LEAD, COORDINATING, PRODUCT, DEADLINE)
TEMPLATE_COLUMNS = (STT, TASK_NAME, PRODUCT, DEADLINE)
YEAR_SUFFIXED = (BASELINE, TARGET)

ITEM, VALUE = "Mục", "Giá trị"
INFO_COLUMNS = (ITEM, VALUE)
YEAR = "Năm"
TITLE = "Tên kế hoạch"
ADOPTION_DUE = "Hạn đơn vị gửi kế hoạch"
DECISION_NUMBER = "Số quyết định"
DECISION_DATE = "Ngày ban hành"
REQUIRED_INFO = (YEAR, TITLE, ADOPTION_DUE)
