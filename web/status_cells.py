"""A unit's row of stage-status cells, as the supervision matrix and a unit's page draw it.

The matrix draws up to 3,000 cells a page. Written here, a row's texts are escaped once and
each distinct day is formatted once per process, where a Jinja macro per cell spent most of
the page's time calling, escaping and formatting the same values again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache

from flask import g, url_for
from markupsafe import Markup, escape

from engine.core.formatting import format_date
from engine.core.labels import STAGE_STATUS_LABELS, stage_status_short_label
from engine.domain.status import StageStatus
from engine.queries.supervision import NOT_ASKED, Cell


@lru_cache(maxsize=4096)
def _day(value: date) -> str:
    """dd/mm/yyyy of a deadline or a submission (few distinct values: the stages' deadlines)."""
    return format_date(value)


def _instance_prefix() -> str:
    """The path of an instance's page without its id, built once per request."""
    if "instance_prefix" not in g:
        g.instance_prefix = url_for("instances.show_instance", instance_id=0)[:-1]
    return str(g.instance_prefix)


@lru_cache(maxsize=64)
def _parts(status: StageStatus) -> tuple[str, str, str]:
    """The escaped class name, whole label and short name of a status."""
    return (str(escape(status.value)), str(escape(STAGE_STATUS_LABELS[status])),
            str(escape(stage_status_short_label(status.value))))


def _cell(cell: Cell, stage: str, name: str, prefix: str) -> str:
    if cell.status is None:
        return f'<td class="st st-na" data-stage="{stage}" data-status="">—</td>'
    css, label, short = _parts(cell.status)
    due = _day(cell.due) if cell.due else ""
    sent = _day(cell.submitted_at) if cell.submitted_at else ""
    title = f"{name} — {label}"
    if due:
        title += f"; hạn {due}"
    if sent:
        title += f"; gửi {sent}"
    note = f"gửi {sent[:5]}" if sent else f"hạn {due[:5]}" if due else ""
    body = f"{short}<br><small>{note}</small>"
    if cell.instance_id:
        body = f'<a href="{prefix}{cell.instance_id}">{body}</a>'
    return (f'<td class="st st-{css}" data-stage="{stage}" data-status="{css}"'
            f' title="{title}">{body}</td>')


def status_cells(cells: Mapping[str, Cell], keys: Iterable[str], unit_name: str) -> Markup:
    """Return the `<td>` of each stage of `keys` for a unit named `unit_name`: its status's
    colour and short name, its deadline or submission day, a link to its instance, the whole
    status in its title; "—" where the stage does not apply."""
    name, prefix = str(escape(unit_name)), _instance_prefix()
    return Markup("".join(_cell(cells.get(key, NOT_ASKED), _key(key), name, prefix)
                          for key in keys))


@lru_cache(maxsize=1024)
def _key(stage: str) -> str:
    """A stage's key, escaped (a plan's stages are a few dozen, the same on every row)."""
    return str(escape(stage))
