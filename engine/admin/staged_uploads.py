"""Uploaded files kept between a preview and its confirmation (an import of units or a plan).

The preview stores the exact bytes it checked under a random token in the instance folder;
the confirmation imports those bytes, so what is written is what was previewed. Files older
than `MAX_AGE` are removed on the next upload.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from engine.core.errors import NotFoundError
from engine.core.paths import INSTANCE_DIR

FOLDER = INSTANCE_DIR / "uploads"
MAX_AGE = 6 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
EXPIRED = "Tệp đã tải lên không còn (đã quá hạn hoặc đã được nhập); vui lòng tải lên lại"


def stage(data: bytes, folder: Path = FOLDER) -> str:
    """Keep `data` and return the token that finds it again."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}.upload"
    temporary = path.with_suffix(".part")
    temporary.write_bytes(data)
    temporary.replace(path)
    return token


def load(token: str, folder: Path = FOLDER) -> bytes:
    """Return the bytes staged under `token`, or raise NotFoundError (expired, unknown, bad)."""
    if not TOKEN.match(token or ""):
        raise NotFoundError(EXPIRED)
    try:
        return (folder / f"{token}.upload").read_bytes()
    except OSError as exc:
        raise NotFoundError(EXPIRED) from exc


def discard(token: str, folder: Path = FOLDER) -> None:
    """Forget the file staged under `token` (after it was imported)."""
    if TOKEN.match(token or ""):
        (folder / f"{token}.upload").unlink(missing_ok=True)


def _remove_old(folder: Path) -> None:
    limit = time.time() - MAX_AGE
    for path in folder.glob("*.upload"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
