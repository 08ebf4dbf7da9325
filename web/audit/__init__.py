"""The audit trail page: search every state change, page through it, export it to .xlsx
(administrators and Sở KHCN)."""
from web.audit.routes import bp

__all__ = ["bp"]
