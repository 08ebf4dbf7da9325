"""The unit pages and extension requests (gia hạn)."""
from web.units.routes import bp

__all__ = ["bp"]
