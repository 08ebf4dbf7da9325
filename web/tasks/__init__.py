"""Task pages: generated forms, drafts, completion, claim and release."""
from web.tasks.routes import bp

__all__ = ["bp"]
