"""The templates' Python helpers (web/templating.py)."""
from __future__ import annotations

from web.templating import feedback


def test_a_fields_error_is_escaped_and_nothing_shows_without_one() -> None:
    assert str(feedback(None)) == "" and str(feedback("")) == ""
    assert str(feedback("<b>Sai</b> & thiếu")) == (
        '<div class="invalid-feedback d-block">&lt;b&gt;Sai&lt;/b&gt; &amp; thiếu</div>')
