"""Configuration from the environment, read when the app is created (never at import)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.core.db import default_url
from engine.core.secrets_file import demo_secret_key


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the app config: environment values, then `overrides`."""
    config: dict[str, Any] = {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "PLANCASCADE_DEMO": os.environ.get("PLANCASCADE_DEMO", "1") == "1",
    }
    config.update(overrides or {})
    if not config["SECRET_KEY"]:
        if config.get("TESTING"):
            config["SECRET_KEY"] = secrets.token_hex(32)
        elif config.get("PLANCASCADE_DEMO"):
            # every gunicorn worker must sign sessions with the same key
            config["SECRET_KEY"] = demo_secret_key()
        else:
            raise RuntimeError("SECRET_KEY must be set outside demo and test mode")
    return config
