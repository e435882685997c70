"""The PICO's action plan: actions (what, who, by when, status, outcome) linked to families and groups."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import TenantMixin, TimestampMixin
from app.extensions import db

PLANNED, IN_PROGRESS, DONE, DROPPED = "planned", "in_progress", "done", "dropped"
STATUSES = (PLANNED, IN_PROGRESS, DONE, DROPPED)
OPEN_STATUSES = (PLANNED, IN_PROGRESS)


class Action(TenantMixin, TimestampMixin, db.Model):
    """One step of the plan for improving involvement."""

    id: Mapped[int] = mapped_column(primary_key=True)
    what: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default=PLANNED, index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # The day it became done or dropped (None while open): for "actions in a date range".
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    owner = relationship("User", foreign_keys=[owner_id])
    links = relationship("ActionLink", back_populates="action", cascade="all, delete-orphan",
                         passive_deletes=True, order_by="ActionLink.id")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, today: date) -> bool:
        """Still open after its date."""
        return self.is_open and self.due_on < today


class ActionLink(db.Model):
    """What an action is for: one family (a child), a room, or a language group."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    language: Mapped[str | None] = mapped_column(String(8))

    action = relationship("Action", back_populates="links")
    child = relationship("Child")
    room = relationship("Room")
