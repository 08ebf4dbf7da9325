"""The process instance page: BPMN diagram with completed and current steps, and the history."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.queries import instance_views, thread
from web.auth.identity import current_actor
from web.database import db_session

bp = Blueprint("instances", __name__, url_prefix="/instances")


@bp.get("/<id:instance_id>")
@login_required
def show_instance(instance_id: int) -> ResponseReturnValue:
    """Show an instance: its header, the diagram (fetched by the page), its thread and history."""
    session, actor = db_session(), current_actor()
    view = instance_views.get(session, actor, instance_id)
    entries = instance_views.history(session, actor, instance_id)
    return render_template("instances/show.html", instance=view, history=entries,
                           thread=thread.for_instance(session, actor, instance_id))


@bp.get("/<id:instance_id>/diagram")
@login_required
def show_diagram(instance_id: int) -> ResponseReturnValue:
    """Return the instance's BPMN XML and the ids of its completed and ready steps as JSON."""
    diagram = instance_views.diagram(db_session(), current_actor(), instance_id)
    response = jsonify({"xml": diagram.xml, "completed": diagram.completed,
                        "ready": list(diagram.ready), "signals": diagram.signals})
    response.headers["Cache-Control"] = "private, no-store"
    return response
