"""The inbox and notifications pages, and my mail preference."""
from web.inbox import mail_preference  # noqa: F401  (adds its route)
from web.inbox.routes import bp

__all__ = ["bp"]
