"""The documents officials send, built from the read models: Word (.docx) in the layout of
Nghị định 30/2020/NĐ-CP Phụ lục I, and Excel (.xlsx) exports of what the supervision and
audit pages show. Each document is a `build(session, actor, …) -> bytes` that checks the
page's access rule itself (the web routes and the CLI call the same function).

May import: core, workflow, domain, processes, queries.

Modules: nd30 (the page: heading block, title, recipients, tables, signature, page numbers),
issuers (who issues and signs, from the unit tree), unit_report (a unit's report for a round),
province_report (the province report of a round to UBND tỉnh), unit_plan (a unit's adopted
plan), adhoc_answers (a unit's answer to an ad-hoc request, and the compilation);
spreadsheet (the look every .xlsx shares: title rows, frozen header, autofilter, dates,
status colours), matrix_workbook (the supervision matrix as filtered), late_workbook (the late
lists), kpi_workbook (a round's KPI roll-up), audit_workbook (an audit search result).
"""
