"""The stage-status cells of the matrix and a unit's page (web/status_cells.py)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pytest
from flask import Flask

from engine.domain.status import StageStatus
from engine.queries.supervision import Cell
from web.status_cells import status_cells


@pytest.fixture
def request_context() -> Iterator[None]:
    """A request of an app that knows where an instance's page is."""
    app = Flask(__name__)
    app.add_url_rule("/instances/<int:instance_id>", endpoint="instances.show_instance")
    with app.test_request_context("/supervision"):
        yield


class _Cells(HTMLParser):
    """Each <td>'s attributes and text, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self.cells.append({k: v or "" for k, v in attrs} | {"text": ""})
        elif tag == "a":
            self.links.append(dict(attrs)["href"] or "")

    def handle_data(self, data: str) -> None:
        if self.cells:
            self.cells[-1]["text"] += data


def parse(markup: str) -> _Cells:
    parser = _Cells()
    parser.feed(markup)
    return parser


def test_a_row_has_one_cell_per_stage_in_the_stages_order(request_context: None) -> None:
    cells = {
        "adoption": Cell(StageStatus.OVERDUE, date(2026, 1, 10), None, 7),
        "q1": Cell(StageStatus.DONE_ON_TIME, date(2026, 3, 5),
                   datetime(2026, 3, 2, 20, 30, tzinfo=timezone.utc), 12),
    }
    parsed = parse(status_cells(cells, ["q1", "adoption", "q2"], "Xã Chiềng Sinh"))
    assert [c["data-stage"] for c in parsed.cells] == ["q1", "adoption", "q2"]
    q1, adoption, q2 = parsed.cells
    assert q1["data-status"] == StageStatus.DONE_ON_TIME.value
    assert q1["title"] == "Xã Chiềng Sinh — Hoàn thành đúng hạn; hạn 05/03/2026; gửi 03/03/2026"
    assert "gửi 03/03" in q1["text"]  # 20:30 UTC is the next morning in Sơn La
    assert adoption["class"] == "st st-overdue" and "hạn 10/01" in adoption["text"]
    assert q2 == {"class": "st st-na", "data-stage": "q2", "data-status": "", "text": "—"}
    assert parsed.links == ["/instances/12", "/instances/7"]


def test_names_and_stage_keys_are_escaped(request_context: None) -> None:
    name = 'Phường <script>alert("x")</script> & "Tô Hiệu"'
    markup = status_cells({'"><b>': Cell(StageStatus.NOT_STARTED, None, None, None)},
                          ['"><b>'], name)
    assert "<script>" not in markup and "<b>" not in markup
    (cell,) = parse(markup).cells
    assert cell["title"].startswith(name + " — ")
    assert cell["data-stage"] == '"><b>'
    assert parse(markup).links == []  # no instance yet: nothing to open
