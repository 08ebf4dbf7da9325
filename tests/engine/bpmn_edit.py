"""Small lxml edits of a BPMN document for tests: insert a step, remove elements."""
from __future__ import annotations

from lxml import etree

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
B = "{%s}" % NS["bpmn"]


def _by_id(root: etree._Element, element_id: str) -> etree._Element:
    return root.xpath("//*[@id=$i]", i=element_id)[0]


def insert_user_task_after(xml: bytes, after: str, new_id: str, name: str, lane: str,
                           form_key: str) -> bytes:
    """Insert a user task right after `after` (which must have one outgoing flow)."""
    root = etree.fromstring(xml)
    process = root.find("bpmn:process", NS)
    source = _by_id(root, after)
    outgoing = source.find("bpmn:outgoing", NS)
    flow = _by_id(root, outgoing.text.strip())
    new_flow = f"flow_{after}_to_{new_id}"
    task = etree.SubElement(process, B + "userTask", id=new_id, name=name)
    ext = etree.SubElement(task, B + "extensionElements")
    props = etree.SubElement(ext, "{%s}properties" % NS["spiffworkflow"])
    etree.SubElement(props, "{%s}property" % NS["spiffworkflow"], name="formKey", value=form_key)
    etree.SubElement(task, B + "incoming").text = new_flow
    etree.SubElement(task, B + "outgoing").text = flow.get("id")
    outgoing.text = new_flow
    flow.set("sourceRef", new_id)
    etree.SubElement(process, B + "sequenceFlow", id=new_flow, sourceRef=after, targetRef=new_id)
    lane_node = root.xpath("//bpmn:lane[@name=$n]", namespaces=NS, n=lane)[0]
    etree.SubElement(lane_node, B + "flowNodeRef").text = new_id
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def remove_elements(xml: bytes, ids: set[str]) -> bytes:
    """Remove flow nodes, the flows touching them, their references and their DI."""
    root = etree.fromstring(xml)
    flows = {f.get("id") for f in root.iterfind(".//bpmn:sequenceFlow", NS)
             if f.get("sourceRef") in ids or f.get("targetRef") in ids}
    gone = ids | flows
    for element_id in gone:
        for node in root.xpath("//*[@id=$i] | //*[@bpmnElement=$i]", i=element_id):
            node.getparent().remove(node)
    for ref in root.xpath("//bpmn:incoming | //bpmn:outgoing | //bpmn:flowNodeRef", namespaces=NS):
        if (ref.text or "").strip() in gone:
            ref.getparent().remove(ref)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
