"""plancascade's Flask front end."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, redirect, url_for
from flask.typing import ResponseReturnValue


def favicon() -> ResponseReturnValue:
    """Send browsers that ask for /favicon.ico to the site's icon (pages link the SVG itself)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask application (no database writes, no environment reads at import)."""
    from web import errors, params
    from web.admin import bp as admin_bp
    from web.api import bp as api_bp
    from web.audit import bp as audit_bp
    from web.auth import bp as auth_bp
    from web.config import load_config
    from web.database import init_db
    from web.documents import bp as documents_bp
    from web.extensions import csrf, login_manager
    from web.health import bp as health_bp
    from web.inbox import bp as inbox_bp
    from web.instances import bp as instances_bp
    from web.plans import bp as plans_bp
    from web.requests import bp as requests_bp
    from web.security import init_security
    from web.supervision import bp as supervision_bp
    from web.tasks import bp as tasks_bp
    from web.templating import init_templating
    from web.units import bp as units_bp

    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(config))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese stays readable
    init_db(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    init_templating(app)
    errors.register(app)
    params.register(app)  # before the blueprints: their rules use the <id:...> converter
    csrf.exempt(api_bp)
    for blueprint in (health_bp, auth_bp, inbox_bp, tasks_bp, api_bp, supervision_bp,
                      instances_bp, units_bp, plans_bp, requests_bp, documents_bp, audit_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(admin_bp)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    init_security(app)  # after the blueprints: it throttles their sign-in views
    return app
