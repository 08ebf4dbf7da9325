"""Administration data: the modeler's unsaved work (one draft per process key)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ProcessDraft(Base):
    """A diagram being edited in the modeler, not yet deployed (deploying removes it)."""

    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(80), unique=True)
    xml: Mapped[str] = mapped_column(Text, deferred=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime]
