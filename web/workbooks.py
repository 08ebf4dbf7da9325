"""Send an exported file — a workbook (.xlsx) or a Word document (.docx) — as a download,
never cached."""
from __future__ import annotations

import io

from flask import send_file
from flask.typing import ResponseReturnValue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def send_download(data: bytes, name: str, mimetype: str) -> ResponseReturnValue:
    """Answer with `data` as an attachment called `name`."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=name, max_age=0)


def send_workbook(data: bytes, name: str) -> ResponseReturnValue:
    """Answer with the .xlsx `data` as an attachment called `name`."""
    return send_download(data, name, XLSX)
