"""Administration: process versions, the BPMN modeler, migration, instance support; units,
users, roles and substitutes."""

from web.admin import (  # noqa: F401  (they add their routes)
    directory,
    migration,
    processes,
    unit_imports,
)
from web.admin.access import bp

__all__ = ["bp"]
