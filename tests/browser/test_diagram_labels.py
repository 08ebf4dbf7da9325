"""What a person reads on a BPMN diagram in chromium: lanes named after the role list, not the
role codes (the BPMN keeps the codes), and wrapped labels that keep their spaces."""
from __future__ import annotations

from typing import Any

from engine.core.labels import ROLE_LABELS
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_admin_modeler import instance_of, open_modeler

# Every drawn label, read as a screen reader or a copy would (textContent), beside its BPMN name.
READ_LABELS = """(diagram) => {
  const registry = diagram.get('elementRegistry');
  return registry.getAll().filter((e) => e.businessObject && e.businessObject.name
      && !e.labelTarget && e.type !== 'bpmn:Process' && e.type !== 'bpmn:Participant')
    .map((e) => {
      const texts = [registry.getGraphics(e)].concat(e.label ? [registry.getGraphics(e.label)] : [])
        .map((g) => Array.from(g.querySelectorAll('.djs-visual text'))
          .map((t) => t.textContent).join(' ')).join(' ');
      const shown = texts.replace(/\\s+/g, ' ').trim();
      return { type: e.type, name: e.businessObject.name, shown: shown };
    });
}"""


def check_labels(labels: list[dict[str, str]]) -> None:
    """Lanes show their role's name; every other label reads as its BPMN name, spaces kept."""
    lanes = [item for item in labels if item["type"] == "bpmn:Lane"]
    assert lanes, "the diagram has lanes"
    for lane in lanes:
        assert lane["shown"] == ROLE_LABELS[lane["name"]], lane
    wrapped = 0
    for item in labels:
        if item["type"] == "bpmn:Lane" or not item["shown"]:
            continue
        assert item["shown"] == " ".join(item["name"].split()), item
        wrapped += len(item["name"]) > 20
    assert wrapped > 0  # long names were wrapped over several lines and still read whole


def test_the_instance_diagram_names_lanes_by_role_and_keeps_spaces(
        page: Any, live_server: LiveServer) -> None:
    muong_la, _ = instance_of(live_server, "muong-la")
    sign_in(page, live_server, "skhcn.staff")
    page.goto(f"{live_server.url}/instances/{muong_la}")
    page.wait_for_selector('#bpmn-diagram[data-state="ready"]')
    svg_text = page.locator("#bpmn-diagram svg").first.text_content() or ""
    assert "unit_staff" not in svg_text and "dost_staff" not in svg_text
    labels = page.evaluate("""() => {
      const container = document.getElementById('bpmn-diagram');
      return Array.from(container.querySelectorAll('.djs-element')).map((g) => {
        const text = Array.from(g.querySelectorAll(':scope > .djs-visual text'))
          .map((t) => t.textContent).join(' ').replace(/\\s+/g, ' ').trim();
        return { id: g.dataset.elementId, shown: text };
      });
    }""")
    shown = {item["id"]: item["shown"] for item in labels}
    assert shown["lane_unit_staff"] == "Chuyên viên đơn vị"
    assert shown["lane_dost_staff"] == "Chuyên viên Sở KHCN"
    assert shown["adapt_plan"] == "Xây dựng kế hoạch của đơn vị"  # wrapped, spaces kept
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_the_modeler_shows_role_names_and_saves_role_codes(page: Any,
                                                           live_server: LiveServer) -> None:
    sign_in(page, live_server, "admin")
    open_modeler(page, live_server)
    check_labels(page.evaluate(f"({READ_LABELS})(window.plancascadeModeler)"))
    xml = page.evaluate("() => window.plancascadeModeler.saveXML().then((r) => r.xml)")
    assert 'name="unit_staff"' in xml and "Chuyên viên đơn vị" not in xml
    assert page.js_errors == []  # type: ignore[attr-defined]
