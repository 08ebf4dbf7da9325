"""plancascade's Flask front end."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask application (no database writes, no environment reads at import)."""
    from web.config import load_config
    from web.database import init_db
    from web.health import bp as health_bp

    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(config))
    init_db(app)
    app.register_blueprint(health_bp)
    return app
