"""Send an exported workbook (.xlsx) as a download, never cached."""
from __future__ import annotations

import io

from flask import send_file
from flask.typing import ResponseReturnValue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_workbook(data: bytes, name: str) -> ResponseReturnValue:
    """Answer with the .xlsx `data` as an attachment called `name`."""
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name,
                     max_age=0)
