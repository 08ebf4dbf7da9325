"""A small nation for the tenancy tests: Sơn La (20 units, played to 20/03/2026) as in the
demo, then the Ministry, Lai Châu (15 departments and 3 communes, its plan adapted, issued
and played to the same day) and Điện Biên (its draft received, not issued)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine.core import clock
from engine.core.db import make_session_factory
from engine.demo import national
from engine.demo.bootstrap import at
from engine.demo.simulation import simulate
from tests.conftest import Templates

DAY = date(2026, 3, 20)


def play_nation(engine: Engine) -> None:
    """Sơn La's year to 20/03, then the Ministry and two more provinces."""
    with make_session_factory(engine)() as session:
        simulate(session, units=20, late_fraction=0.25, seed=7, last=DAY, users=True)
        session.commit()
        clock.set_now(at(DAY, 18))
        national.load(session, only=("lai-chau", "dien-bien"), communes=3)
        session.commit()


@pytest.fixture
def nation_db(templates: Templates, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database holding the small nation, the clock on the evening of 20/03/2026."""
    templates.register("nation", play_nation)
    engine = templates.fresh("nation", tmp_path)
    clock.set_now(at(DAY, 18))
    yield engine
    engine.dispose()
