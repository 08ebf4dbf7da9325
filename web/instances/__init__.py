"""The process instance page: its BPMN diagram with the steps marked, and its history."""
from web.instances.routes import bp

__all__ = ["bp"]
