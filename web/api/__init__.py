"""The JSON API under /api/."""
from web.api import imports, notifications  # noqa: F401  (add their routes)
from web.api.routes import bp

__all__ = ["bp"]
