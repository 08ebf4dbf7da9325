"""Flat HTML field names to nested data, schema-driven field layout and value display."""
from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from engine.core import formatting
from engine.workflow import forms
from web.forms_binding import drop_blank_added, field_name, parse
from web.tasks import editor, layout


def test_parse_builds_nested_lists_in_index_order() -> None:
    form = MultiDict([
        ("csrf_token", "t"), ("action", "complete"),
        ("kpis-10-code", "B"), ("kpis-2-code", "A"),
        ("kpis-2-selected", "false"), ("kpis-2-selected", "true"),
        ("kpis-10-selected", "false"), ("kpis-2-target_value", "85,5"),
        ("kpis-10-target_value", ""), ("notes", "Ghi chú"),
    ])
    assert parse(form) == {"kpis": [
        {"code": "A", "selected": "true", "target_value": "85,5"},
        {"code": "B", "selected": "false"}], "notes": "Ghi chú"}


def test_parse_collects_checkbox_groups() -> None:
    form = MultiDict([("target_kinds[]", ""), ("target_kinds[]", "commune"),
                      ("other[]", "")])
    assert parse(form) == {"target_kinds": ["commune"], "other": []}


@pytest.mark.parametrize("name", ["-x", "a--b", "3-x", "kpis-99999-code", "kpis-"])
def test_parse_ignores_malformed_names(name: str) -> None:
    assert parse(MultiDict([(name, "v"), ("ok", "1")])) == {"ok": "1"}


def test_parse_ignores_clashing_paths() -> None:
    form = MultiDict([("a-b", "1"), ("a", "2"), ("c", "3"), ("c-d", "4")])
    assert parse(form) == {"a": {"b": "1"}, "c": "3"}


def test_blank_added_rows_are_dropped_but_filled_ones_kept() -> None:
    data = {"tasks": [
        {"code": "I.1", "name": "", "added": "false"},
        {"code": "BS1", "name": " ", "added": "true", "kept": "true"},
        {"code": "BS2", "name": "Mới", "added": "true"}], "notes": "x"}
    assert [t["code"] for t in drop_blank_added(data)["tasks"]] == ["I.1", "BS2"]


def test_parsed_form_coerces_to_the_schema_types() -> None:
    schema = forms.load("unit_plan_adapt").schema
    raw = parse(MultiDict([("kpis-0-code", "I.1"), ("kpis-0-selected", "true"),
                           ("kpis-0-target_value", "44,65"), ("tasks-0-code", "I.1"),
                           ("tasks-0-name", "Kế hoạch"), ("tasks-0-kept", "false")]))
    assert forms.coerce(schema, raw) == {
        "kpis": [{"code": "I.1", "selected": True, "target_value": 44.65}],
        "tasks": [{"code": "I.1", "name": "Kế hoạch", "kept": False}]}
    approve = forms.load("unit_plan_approve").schema
    assert forms.coerce(approve, parse(MultiDict([("plan_date", "07/01/2026")]))) == {
        "plan_date": "2026-01-07"}


def test_field_names_follow_engine_paths() -> None:
    assert field_name("kpis.3.target_value") == "kpis-3-target_value"


def test_layout_of_a_flat_form() -> None:
    definition = forms.load("province_plan_draft")
    fields = layout.fields_of(definition.schema, definition.ui)
    assert [(f.name, f.widget) for f in fields] == [
        ("title", "text"), ("adoption_due_date", "date"), ("target_kinds", "checkboxes"),
        ("report_regimes", "checkboxes"), ("reminder_days_before", "integer"),
        ("grace_days", "integer"), ("notes", "textarea")]
    kinds = fields[2]
    assert kinds.options == (("department", "Sở, ban, ngành"), ("commune", "UBND xã, phường"))
    assert fields[0].required and fields[0].max_length == 300
    assert fields[1].placeholder == "dd/mm/yyyy"


def test_layout_radio_with_vietnamese_labels() -> None:
    definition = forms.load("unit_plan_review")
    decision = layout.fields_of(definition.schema, definition.ui)[0]
    assert decision.widget == "radio"
    assert decision.options == (("accept", "Tiếp nhận"), ("return", "Trả lại, yêu cầu chỉnh sửa"))


def test_select_boolean_and_unsupported_widgets() -> None:
    schema = {"properties": {"a": {"type": "string", "enum": ["x"]},
                             "b": {"type": "boolean"}, "c": {"type": "object"}}}
    assert [f.widget for f in layout.fields_of(schema, {})] == ["select", "checkbox",
                                                               "unsupported"]


@pytest.mark.parametrize(("value", "shown"), [
    (44.65, "44,65"), (85.0, "85"), (7, "7"), (None, ""), ("abc", "abc"), (True, "")])
def test_show_number(value: object, shown: str) -> None:
    assert formatting.format_number(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-01-07", "07/01/2026"), (date(2026, 1, 7), "07/01/2026"), ("31/02/2026", "31/02/2026"),
    ("2026-13-01", "2026-13-01"), (None, "")])
def test_show_date(value: object, shown: str) -> None:
    assert formatting.format_date(value) == shown


def test_added_task_codes_are_free() -> None:
    data, index = editor.add_task_row({"tasks": [{"code": "I.1"}, {"code": "BS1"}]})
    assert index == 2 and data["tasks"][2]["code"] == "BS2" and data["tasks"][2]["added"]
