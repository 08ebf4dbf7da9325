"""Form definitions are valid JSON Schema and validation speaks Vietnamese."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from engine.core.errors import FieldErrors, NotFoundError
from engine.workflow import forms


@pytest.mark.parametrize("key", sorted(forms.known_keys()))
def test_every_form_is_valid_json_schema(key: str) -> None:
    Draft202012Validator.check_schema(forms.load(key).schema)


def test_number_field_refuses_text_and_out_of_range_values() -> None:
    form = forms.load("province_plan_draft")
    raw = {"title": "Kế hoạch", "adoption_due_date": "10/01/2026", "target_kinds": ["commune"],
           "reminder_days_before": "abc", "grace_days": "61"}
    with pytest.raises(FieldErrors) as caught:
        form.validate(forms.coerce(form.schema, raw))
    assert caught.value.errors == {"reminder_days_before": "Phải là một số nguyên",
                                   "grace_days": "Giá trị phải nhỏ hơn hoặc bằng 60"}


def test_dates_typed_dd_mm_yyyy_are_accepted_and_bad_ones_refused() -> None:
    form = forms.load("unit_plan_approve")
    good = forms.coerce(form.schema, {"decision": "approve", "plan_number": "03/KH-VPUB",
                                      "plan_date": "07/01/2026"})
    assert form.validate(good)["plan_date"] == "2026-01-07"
    bad = forms.coerce(form.schema, {"decision": "approve", "plan_number": "1",
                                     "plan_date": "31/02/2026"})
    with pytest.raises(FieldErrors) as caught:
        form.validate(bad)
    assert caught.value.errors["plan_date"].startswith("Ngày không hợp lệ")


def test_conditional_requirements() -> None:
    form = forms.load("unit_plan_review")
    with pytest.raises(FieldErrors) as caught:
        form.validate({"decision": "return"})
    assert caught.value.errors == {"comments": "Trường này là bắt buộc"}
    assert form.validate({"decision": "accept"}) == {"decision": "accept"}
    with pytest.raises(FieldErrors) as caught:
        form.validate({"decision": "maybe"})
    assert caught.value.errors == {"decision": "Giá trị không nằm trong danh sách cho phép"}


def test_unknown_and_hostile_form_keys() -> None:
    for key in ("khong_co", "../../etc/passwd", "a/b"):
        with pytest.raises(NotFoundError):
            forms.load(key)
