"""The inbox and notifications pages."""
from web.inbox.routes import bp

__all__ = ["bp"]
