"""The province's plans: list, load a year's plan from Excel (with a preview), copy last
year's, export one to Excel."""
from web.plans.routes import bp

__all__ = ["bp"]
