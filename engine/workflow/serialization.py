"""The one place that configures SpiffWorkflow's serializer.

A deployed spec is stored once per process-definition version; an instance stores only its
runtime state (task tree and data), zlib-compressed. Loading re-attaches the cached spec.
"""

from __future__ import annotations

import json
import zlib
from contextvars import ContextVar
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

Specs = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]

_attached_specs: ContextVar[Specs | None] = ContextVar("plancascade_specs", default=None)


class _StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Restore a workflow whose spec is supplied by the caller instead of the stored dict."""

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        """Rebuild the workflow around the attached spec when the dict carries none."""
        specs = _attached_specs.get()
        if "spec" in dct or specs is None:
            return super().from_dict(dct)
        spec, subprocess_specs = specs
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value: str) -> Any:
    from uuid import UUID

    return UUID(value)


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateOnlyWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


SERIALIZER = _make_serializer()


def specs_to_json(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """Serialize a parsed spec and its called subprocess specs, once per deployed version."""
    registry = SERIALIZER.registry
    return json.dumps(
        {
            "spec": registry.convert(spec),
            "subprocess_specs": {k: registry.convert(v) for k, v in subprocess_specs.items()},
        }
    )


def specs_from_json(text: str) -> Specs:
    """Restore a spec and its subprocess specs stored by `specs_to_json`."""
    data = json.loads(text)
    registry = SERIALIZER.registry
    spec = registry.restore(data["spec"])
    subs = {k: registry.restore(v) for k, v in data["subprocess_specs"].items()}
    return spec, subs


def dump_state(workflow: BpmnWorkflow) -> bytes:
    """Return the compressed runtime state of `workflow`, without its spec."""
    registry = SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
        text = json.dumps(dct, cls=SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False
    return zlib.compress(text.encode("utf-8"), 6)


def load_state(blob: bytes, specs: Specs) -> BpmnWorkflow:
    """Rebuild a workflow from its stored state and its version's spec."""
    dct = json.loads(zlib.decompress(blob))
    SERIALIZER.migrate(dct)
    token = _attached_specs.set(specs)
    try:
        workflow: BpmnWorkflow = SERIALIZER.from_dict(dct)
    finally:
        _attached_specs.reset(token)
    return workflow
