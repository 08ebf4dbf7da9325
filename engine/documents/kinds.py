"""The kinds of document `plancascade export` writes. A module of its own, so that the command
line can name them without loading python-docx and openpyxl (the year's simulation, for one,
never writes a document)."""

KINDS = ("unit-report", "unit-plan", "province-report", "request", "matrix", "plan")
