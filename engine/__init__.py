"""plancascade's engine: our thin layer over SpiffWorkflow (no Flask here).

Read the sub-packages from the bottom up; each may import only those before it:

    core → workflow → domain → processes, queries → admin → demo

`cli.py` is the console script's entry point and the only importer of `demo` outside tests.
"""

from engine.core import tenancy as _tenancy
from engine.domain import stage_projection as _stage_projection

# Every session enforces its tenant's scope and keeps the stage-status projection in its own
# transaction: installed here, on SQLAlchemy's Session class, so that no session the app, the
# CLI or a test makes can miss either.
_tenancy.install()
_stage_projection.install()
