"""One SQLAlchemy session per request, opened lazily and closed at teardown.

A request's session keeps every object it loads until the request ends. SQLAlchemy's
identity map holds objects weakly: a task or an instance one part of a page read and let go
was read again by the next (`session.get`), two more round trips on the task page."""
from __future__ import annotations

from typing import Any

from flask import Flask, g
from sqlalchemy import event
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
        session = current_app.extensions["plancascade.sessions"]()
        held: list[Any] = []
        session.info["request.loaded"] = held  # freed with the session, at teardown
        event.listen(session, "loaded_as_persistent", lambda _s, obj: held.append(obj))
        g.db_session = session
    return g.db_session
