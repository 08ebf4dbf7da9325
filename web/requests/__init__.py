"""Ad-hoc report requests (báo cáo đột xuất): the list and the form that issues one."""
from web.requests.routes import bp

__all__ = ["bp"]
