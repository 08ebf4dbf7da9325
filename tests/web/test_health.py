"""GET /healthz answers 200 with a small JSON, signed in or not."""
from __future__ import annotations

import pytest


@pytest.fixture
def web_data(people: None) -> None:
    """The health check needs no workflow data."""


def test_health_answers_json(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
