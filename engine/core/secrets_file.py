"""The demo's session key, kept in the instance folder so every web worker signs alike."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine.core.paths import INSTANCE_DIR


def demo_secret_key(folder: Path = INSTANCE_DIR) -> str:
    """Return the instance folder's key, creating it once (atomically) when missing."""
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker wrote it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()
