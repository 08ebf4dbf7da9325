"""The look at 1366×768, on the year played to 08/03/2026: every text of the five main pages
(inbox, task page, unit page, supervision matrix, instance page) and of the KPI charts meets WCAG
AA contrast as axe-core's `color-contrast` rule judges it (vendored under vendor/axe-core); each
page is saved as a screenshot to test-artifacts/screens/ for the closing note. Diagram labels
stay readable, the KPI chart labels every code, and the favicon is served on every page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from models import ProcessInstance, Unit
from tests.browser.conftest import ARTIFACTS, LiveServer, serve_copy, sign_in
from tests.web.year_state import year_db  # noqa: F401  (fixture)

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SCREENS = ARTIFACTS / "screens"
# The diagram's labels are read at the zoom the page opens with: at least this many CSS pixels.
MIN_LABEL_PX = 11.0


def contrast_violations(page: Any) -> list[str]:
    """Run axe-core's colour-contrast rule on the page; describe each element that fails."""
    if page.evaluate("() => typeof window.axe") != "object":
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        """async () => {
             const r = await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']},
                                                resultTypes: ['violations']});
             return r.violations.flatMap(v => v.nodes.map(n => ({
               target: n.target.join(' '), html: n.html.slice(0, 120),
               why: (n.any[0] || {}).message || n.failureSummary})));
           }""")
    return [json.dumps(item, ensure_ascii=False) for item in result]


def shoot(page: Any, name: str) -> None:
    """Save the visible 1366×768 screen of the page as test-artifacts/screens/<name>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"))


def _quarterly_instance(server: LiveServer, code: str) -> int:
    with server.sessions() as session:
        return session.scalars(
            select(ProcessInstance.id).join(Unit, Unit.id == ProcessInstance.unit_id)
            .where(Unit.code == code, ProcessInstance.process_key == "quarterly_report",
                   ProcessInstance.round_key == "q1")).one()


@pytest.fixture
def year_server(year_db: Engine, tmp_path: Path) -> Iterator[LiveServer]:  # noqa: F811
    """The app on a copy of the year played to 08/03/2026 (40 units; the first quarter's
    reports due 05/03: most sent, some overdue), the clock on that evening."""
    year_db.dispose()
    folder = tmp_path / "served"
    folder.mkdir()
    with serve_copy(Path(str(year_db.url.database)), folder) as server:
        yield server


def _visit(page: Any, name: str, found: dict[str, str]) -> None:
    """Screenshot the page as it opens and keep its contrast failures under `name`."""
    shoot(page, name)
    found[name] = "\n".join(contrast_violations(page))


def _main_pages(page: Any, server: LiveServer) -> dict[str, str]:
    """Visit the five main pages, screenshot each; return each page's contrast failures."""
    found: dict[str, str] = {}
    sign_in(page, server, "so-tai-chinh.staff")
    _visit(page, "inbox", found)
    page.locator("#inbox-table").get_by_role("link", name="Lập báo cáo quý").first.click()
    page.wait_for_selector("#task-form")
    _visit(page, "task", found)
    sign_in(page, server, "skhcn.staff")
    page.goto(f"{server.url}/units/muong-la")
    _visit(page, "unit", found)
    page.goto(f"{server.url}/supervision")
    _visit(page, "supervision", found)
    page.goto(f"{server.url}/instances/{_quarterly_instance(server, 'so-tai-chinh')}")
    page.wait_for_selector('#bpmn-diagram[data-state="ready"]')
    _visit(page, "instance", found)
    page.goto(f"{server.url}/supervision/kpis")
    page.wait_for_selector("body[data-charts-ready='1']")
    _visit(page, "kpis", found)
    return found


def test_the_main_pages_meet_aa_contrast(page: Any, year_server: LiveServer) -> None:
    failures = _main_pages(page, year_server)
    assert set(failures) == {"inbox", "task", "unit", "supervision", "instance", "kpis"}
    assert {name: text for name, text in failures.items() if text} == {}


# The smallest label of the diagram as drawn on screen, in CSS pixels (lanes are turned a
# quarter: the scale is the length of the matrix's first column).
SMALLEST_LABEL = """() => {
  const frame = document.getElementById('bpmn-diagram').getBoundingClientRect();
  const sizes = [...document.querySelectorAll('#bpmn-diagram .djs-element text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && r.right > frame.left && r.left < frame.right
      && r.bottom > frame.top && r.top < frame.bottom;
  }).map(t => {
    const m = t.getScreenCTM();
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
  });
  return sizes.length ? Math.min(...sizes) : 0;
}"""


def test_diagram_labels_are_readable(page: Any, year_server: LiveServer) -> None:
    sign_in(page, year_server, "skhcn.staff")
    for process, code in (("quarterly_report", "so-tai-chinh"), ("unit_plan", "muong-la")):
        with year_server.sessions() as session:
            instance = session.scalars(
                select(ProcessInstance.id).join(Unit, Unit.id == ProcessInstance.unit_id)
                .where(Unit.code == code, ProcessInstance.process_key == process)).first()
        page.goto(f"{year_server.url}/instances/{instance}")
        page.wait_for_selector('#bpmn-diagram[data-state="ready"]')
        assert page.evaluate(SMALLEST_LABEL) >= MIN_LABEL_PX, process
    assert page.js_errors == []


def test_the_kpi_chart_labels_every_code(page: Any, year_server: LiveServer) -> None:
    sign_in(page, year_server, "skhcn.staff")
    page.goto(f"{year_server.url}/supervision/kpis")
    page.wait_for_selector("body[data-charts-ready='1']")
    codes = json.loads(page.locator("#kpi-chart-data").inner_text())["labels"]
    assert len(codes) >= 20
    for chart in ("chart-met", "chart-spread"):
        shown = page.evaluate(
            """(id) => { const x = Chart.getChart(document.getElementById(id)).scales.x;
                         return x.ticks.map(t => x.getLabelForValue(t.value)); }""",
            chart)
        assert shown == codes, chart


def test_the_favicon_is_served_everywhere(page: Any, live_server: LiveServer) -> None:
    icon = page.request.get(f"{live_server.url}/favicon.ico")  # follows the redirect
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.url.endswith("/static/favicon.svg")
    page.goto(f"{live_server.url}/login")
    link = page.locator("link[rel=icon]")
    assert link.get_attribute("href") == "/static/favicon.svg"
    sign_in(page, live_server, "muong-la.staff")
    missing = page.goto(f"{live_server.url}/khong-co-trang-nay")
    assert missing is not None and missing.status == 404
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"


# How many lane and pool names the modeler's palette covers, and how many there are.
COVERED_LANE_NAMES = """() => {
  const registry = window.plancascadeModeler.get('elementRegistry');
  const tools = document.querySelector('#canvas .djs-palette').getBoundingClientRect();
  const names = registry.filter(e => e.type === 'bpmn:Lane' || e.type === 'bpmn:Participant')
    .map(e => registry.getGraphics(e).querySelector('text'))
    .filter(Boolean).map(t => t.getBoundingClientRect()).filter(r => r.width > 0);
  const covered = names.filter(r => r.left < tools.right && r.right > tools.left
    && r.top < tools.bottom && r.bottom > tools.top);
  return [covered.length, names.length];
}"""


def test_the_modeler_palette_leaves_the_lane_names_visible(page: Any,
                                                           live_server: LiveServer) -> None:
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/processes/unit_plan/modeler")
    page.wait_for_selector("body[data-modeler-ready='1']")
    covered, names = page.evaluate(COVERED_LANE_NAMES)
    assert names >= 3 and covered == 0
    assert page.js_errors == []
