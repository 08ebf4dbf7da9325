"""Sở KHCN's supervision pages: matrix, late lists, KPI roll-ups, ranking."""
from web.supervision.routes import bp

__all__ = ["bp"]
