"""Administration: process versions, the BPMN modeler, migration, instance support; units,
users, roles and substitutes."""

from web.admin import directory, migration, processes  # noqa: F401  (they add their routes)
from web.admin.access import bp

__all__ = ["bp"]
