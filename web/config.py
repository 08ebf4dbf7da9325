"""Configuration from the environment, read when the app is created (never at import)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.core.db import default_url
from engine.core.rate_limit_store import SCHEME as DATABASE_LIMITS
from engine.core.secrets_file import demo_secret_key

MIN_SECRET_KEY_BYTES = 32
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def _flag(name: str, default: bool = False) -> bool:
    """Read an on/off environment variable (1, true, yes, on)."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def _environment() -> dict[str, Any]:
    """Return the settings an administrator sets in the environment."""
    secure = _flag("SESSION_COOKIE_SECURE")
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_url(),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "PLANCASCADE_DEMO": os.environ.get("PLANCASCADE_DEMO", "1") == "1",
        # behind HTTPS: the browser sends the session cookie over encrypted connections only
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        # the proxies in front of the app (nginx...), trusted for the client's address
        "PLANCASCADE_PROXIES": int(os.environ.get("PLANCASCADE_PROXIES") or 0),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or f"{DATABASE_LIMITS}://",
    }


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the app config: environment values, then `overrides`."""
    config: dict[str, Any] = {
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        # sign-in throttling: per client address (every attempt) and per account (failures)
        "LOGIN_ADDRESS_LIMIT": "10 per minute",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
        **_environment(),
    }
    config.update(overrides or {})
    # tests sign in often: throttling is off there unless a test turns it on
    config.setdefault("RATELIMIT_ENABLED", not config.get("TESTING"))
    config["SECRET_KEY"] = _secret_key(config)
    return config


def _secret_key(config: Mapping[str, Any]) -> str:
    """Return the session key: required and long enough outside demo and test mode."""
    key = config["SECRET_KEY"]
    if config.get("TESTING"):
        return str(key or secrets.token_hex(32))
    if config.get("PLANCASCADE_DEMO"):
        # every gunicorn worker must sign sessions with the same key
        return str(key or demo_secret_key())
    if not key or len(str(key).encode("utf-8")) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"SECRET_KEY must be set to at least {MIN_SECRET_KEY_BYTES} bytes outside demo "
            f"and test mode, e.g. SECRET_KEY=$(python -c 'import secrets; "
            f"print(secrets.token_hex(32))') / Cần đặt SECRET_KEY dài ít nhất "
            f"{MIN_SECRET_KEY_BYTES} byte khi chạy thật (PLANCASCADE_DEMO=0)."
        )
    return str(key)
