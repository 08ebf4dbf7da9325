"""Read one uploaded file from a multipart form, bounded in size, with Vietnamese refusals."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename


@dataclass(frozen=True)
class Upload:
    """The uploaded bytes and safe file name, or the reason it was refused (and the status)."""

    data: bytes | None
    name: str
    error: str | None = None
    status: int = 400


def read_upload(
    field: str, *, limit: int, extensions: tuple[str, ...], default_name: str, kind: str
) -> Upload:
    """Return the file posted as `field`: at most `limit` bytes, one of `extensions`.

    `kind` names the file in messages ("tệp BPMN", "bảng tính Excel").
    """
    too_large = Upload(
        None, "", f"Tệp quá lớn: {kind} tối đa {_size(limit)}; tệp không được tiếp nhận.", 413
    )
    if (request.content_length or 0) > limit + 64 * 1024:
        return too_large
    request.max_content_length = limit + 64 * 1024
    try:
        storage = request.files.get(field)
    except RequestEntityTooLarge:
        return too_large
    if storage is None or not storage.filename:
        return Upload(None, "", f"Vui lòng chọn {kind} cần tải lên.")
    name = secure_filename(storage.filename) or default_name
    if not name.lower().endswith(extensions):
        allowed = " hoặc ".join(extensions)
        return Upload(None, name, f"Chỉ nhận {kind} ({allowed}).")
    data = storage.read(limit + 1)
    if len(data) > limit:
        return Upload(None, name, too_large.error, 413)
    return Upload(data, name)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
