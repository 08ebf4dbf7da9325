"""The one module that parses BPMN: safe XML, SpiffWorkflow's parser, errors as Problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.core.errors import InvalidDefinitionError, Problem
from engine.workflow import lint, parse_messages
from engine.workflow.serialization import Specs
from engine.workflow.xml_source import to_utf8

MAX_BPMN_BYTES = 2 * 1024 * 1024
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

_VALIDATOR: BpmnValidator | None = None


def _validator() -> BpmnValidator:
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = BpmnValidator()
    return _VALIDATOR


@dataclass(frozen=True)
class ParsedBpmn:
    """A BPMN document that parsed and passed lint, with the spec of each process."""

    process_ids: tuple[str, ...]
    specs: dict[str, Specs]
    xml: bytes


def safe_xml(data: bytes) -> etree._Element:
    """Parse XML without DTDs, entities or network access; refuse anything else."""
    if not data or not data.strip():
        raise InvalidDefinitionError([Problem("Tệp rỗng, không có nội dung BPMN")])
    data = to_utf8(data)  # the checks below read UTF-8 bytes, whatever the file's encoding
    if len(data) > MAX_BPMN_BYTES:
        raise InvalidDefinitionError(
            [Problem(f"Tệp quá lớn ({len(data) // 1024} KB); tối đa {MAX_BPMN_BYTES // 1024} KB")]
        )
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise InvalidDefinitionError(
            [Problem("Tệp chứa khai báo DOCTYPE/ENTITY, không được phép trong BPMN")]
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message, line = parse_messages.syntax_error(exc)
        raise InvalidDefinitionError(
            [Problem(message, line=line)]
        ) from exc
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise InvalidDefinitionError(
            [
                Problem(
                    "Không phải tệp BPMN 2.0 (thiếu phần tử bpmn:definitions)", line=root.sourceline
                )
            ]
        )
    return root


def _problem_from_validation(exc: ValidationException, root: etree._Element) -> Problem:
    element = getattr(exc, "id", "") or None
    line = getattr(exc, "line_number", "") or None
    if element and not line:
        found = root.xpath("//*[@id=$i]", i=element)
        line = found[0].sourceline if found else None
    return Problem(
        parse_messages.structure_error(str(exc)),
        element=element,
        name=getattr(exc, "name", "") or None,
        line=int(line) if line else None,
    )


def _spiff_parser(
    root: etree._Element, filename: str, library: Mapping[str, etree._Element]
) -> SpiffBpmnParser:
    parser = SpiffBpmnParser(validator=_validator())
    try:
        parser.add_bpmn_xml(root, filename)
    except ValidationException as exc:
        raise InvalidDefinitionError([_problem_from_validation(exc, root)]) from exc
    except (SpiffWorkflowException, etree.LxmlError, ValueError, KeyError) as exc:
        raise InvalidDefinitionError([Problem(parse_messages.structure_error(str(exc)))]) from exc
    for other in library.values():
        parser.add_bpmn_xml(other)
    return parser


def _executable_ids(root: etree._Element) -> tuple[str, ...]:
    ids = root.xpath("bpmn:process[@isExecutable='true']/@id", namespaces={"bpmn": BPMN_NS})
    return tuple(str(i) for i in ids)


def _build_specs(parser: SpiffBpmnParser, pid: str, root: etree._Element) -> Specs:
    try:
        spec = parser.get_spec(pid)
        subs = parser.get_subprocess_specs(pid)
    except ValidationException as exc:
        raise InvalidDefinitionError([_problem_from_validation(exc, root)]) from exc
    except (SpiffWorkflowException, ValueError, KeyError, AttributeError) as exc:
        raise InvalidDefinitionError(
            [Problem(f"Không dựng được quy trình '{pid}'. "
                     + parse_messages.structure_error(str(exc)))]
        ) from exc
    return spec, subs


def parse_bpmn(
    data: bytes,
    filename: str = "diagram.bpmn",
    library: Mapping[str, bytes] | None = None,
    forms: frozenset[str] | None = None,
) -> ParsedBpmn:
    """Parse, validate and lint a BPMN document; raise InvalidDefinitionError with Problems.

    `library` maps the keys of already deployed processes to their XML, so call activities
    can be resolved against them.
    """
    data = to_utf8(data)
    root = safe_xml(data)
    process_ids = _executable_ids(root)
    library_roots = {k: safe_xml(v) for k, v in (library or {}).items() if k not in process_ids}
    if not process_ids:
        raise InvalidDefinitionError(
            [Problem('Không có quy trình nào được đánh dấu thực thi (isExecutable="true")')]
        )
    parser = _spiff_parser(root, filename, library_roots)
    problems = lint.lint_document(root, set(process_ids) | set(library_roots), forms)
    if problems:
        raise InvalidDefinitionError(problems)
    specs = {pid: _build_specs(parser, pid, root) for pid in process_ids}
    return ParsedBpmn(process_ids=process_ids, specs=specs, xml=data)
