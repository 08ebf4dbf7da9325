"""Administration: process versions, the BPMN modeler, migration, instance support; units,
users, roles and substitutes; the mails that failed."""

from web.admin import (  # noqa: F401  (they add their routes)
    directory,
    mail,
    migration,
    processes,
    unit_imports,
)
from web.admin.access import bp

__all__ = ["bp"]
