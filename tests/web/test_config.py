"""Configuration: the demo's session key is shared by every worker; production needs one."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.core.secrets_file import demo_secret_key
from web.config import load_config


def test_demo_key_is_created_once_and_reused(tmp_path: Path) -> None:
    first = demo_secret_key(tmp_path)
    assert len(first) == 64 and demo_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PLANCASCADE_DEMO", "0")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config()
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert load_config()["SECRET_KEY"] == "k" * 32
