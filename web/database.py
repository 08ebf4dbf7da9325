"""One SQLAlchemy session per request, opened lazily and closed at teardown."""
from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from engine.core.db import make_engine, make_session_factory


def init_db(app: Flask) -> None:
    """Bind the app to its database and close the request's session after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["plancascade.engine"] = engine
    app.extensions["plancascade.sessions"] = make_session_factory(engine)

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def db_session() -> Session:
    """Return the request's session."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["plancascade.sessions"]()
    return g.db_session
