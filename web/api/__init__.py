"""The JSON API under /api/."""
from web.api.routes import bp

__all__ = ["bp"]
