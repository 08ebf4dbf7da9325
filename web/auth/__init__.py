"""Authentication: sign in, sign out, the account page."""
from web.auth.routes import bp

__all__ = ["bp"]
