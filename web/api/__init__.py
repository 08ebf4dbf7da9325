"""The JSON API under /api/."""
from web.api import imports  # noqa: F401  (adds its routes)
from web.api.routes import bp

__all__ = ["bp"]
