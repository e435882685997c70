"""Column types and mixins shared by every model."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from app.clock import utcnow


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class TenantMixin:
    """Every record belongs to one setting."""

    @declared_attr
    def setting_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(Integer, ForeignKey("setting.id", ondelete="CASCADE"), index=True)


class TimestampMixin:
    """Created/updated times, in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def render_migration_item(type_, obj, autogen_context):  # noqa: ARG001
    """Alembic hook: write UTCDateTime (and encrypted) columns as plain SQL types in migration scripts."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    if type_ == "type" and getattr(obj, "migration_type", None):  # encrypted columns (app.privacy.crypto)
        return obj.migration_type
    return False
