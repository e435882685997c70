"""A saved list: a named set of a setting's contacts, usable as a message audience."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import TenantMixin, TimestampMixin
from app.extensions import db


class SavedList(TenantMixin, TimestampMixin, db.Model):
    """A named list of contacts (e.g. "Forum members")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    members: Mapped[list["SavedListMember"]] = relationship(
        back_populates="saved_list", cascade="all, delete-orphan", passive_deletes=True)


class SavedListMember(db.Model):
    """One contact on one saved list."""

    __table_args__ = (UniqueConstraint("list_id", "contact_id", name="uq_saved_list_member"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("saved_list.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    saved_list: Mapped[SavedList] = relationship(back_populates="members")
