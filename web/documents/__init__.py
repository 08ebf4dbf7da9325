"""Downloads of the documents officials send (.docx), from the pages where the data is shown."""
from web.documents.routes import bp

__all__ = ["bp"]
