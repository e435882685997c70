"""Feedback items, replies, the append-only complaint record and complaint reminders."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db
from app.privacy.crypto import EncryptedText

KINDS = ("compliment", "suggestion", "comment", "concern")
ANONYMOUS_KINDS = ("suggestion", "comment")
STATUSES = ("new", "acknowledged", "in_progress", "closed")
ROUTES = ("family", "public", "in_person", "phone", "written")
STEP_KINDS = ("received", "acknowledged", "note", "meeting", "outcome", "letter_sent")
COMPLAINT_DAYS = 28
REMINDER_DAYS = (14, 21, 26)
MAX_TEXT = 4000


class FeedbackItem(TenantMixin, TimestampMixin, db.Model):
    """One piece of feedback (compliment … concern), possibly raised to a formal complaint."""

    __table_args__ = (UniqueConstraint("setting_id", "reference", name="uq_feedback_reference"),
                      Index("ix_feedback_item_setting_received_at", "setting_id", "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)  # the original, in whatever language it was written
    language: Mapped[str | None] = mapped_column(String(8))  # the page language it was written on
    translation: Mapped[str | None] = mapped_column(Text)  # added by staff
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # Identity: none at all for anonymous items (no contact, no name, no address, no IP).
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    given_name: Mapped[str | None] = mapped_column(String(120))  # optional name on the public form
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Complaints.
    is_complaint: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    reference: Mapped[str | None] = mapped_column(String(20))
    complaint_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)

    contact = relationship("Contact")
    owner = relationship("User", foreign_keys=[owner_id])
    logged_by = relationship("User", foreign_keys=[logged_by_id])
    replies = relationship("FeedbackReply", back_populates="item", order_by="FeedbackReply.id",
                           cascade="all, delete-orphan")
    steps = relationship("ComplaintStep", back_populates="item", order_by="ComplaintStep.id")


class FeedbackReply(TenantMixin, db.Model):
    """A reply sent to the parent through the messaging core."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item = relationship("FeedbackItem", back_populates="replies")
    author = relationship("User")


class ComplaintStep(TenantMixin, db.Model):
    """One step of the complaints procedure, with its time and author. Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # No ON DELETE: a complaint with a record cannot be deleted on its own (only with its setting).
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(EncryptedText, default="")  # complaint notes: encrypted at rest
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(200))

    item = relationship("FeedbackItem", back_populates="steps")


class AppendOnlyError(RuntimeError):
    """A complaint step may never be changed or removed."""


@event.listens_for(ComplaintStep, "before_update")
def _no_update(mapper, connection, target) -> None:  # noqa: ARG001
    raise AppendOnlyError("the complaints record is append-only")


@event.listens_for(ComplaintStep, "before_delete")
def _no_delete(mapper, connection, target) -> None:  # noqa: ARG001
    raise AppendOnlyError("the complaints record is append-only")


class ComplaintReminder(TenantMixin, db.Model):
    """A reminder to one member of staff that a complaint has reached day 14, 21 or 26."""

    __table_args__ = (UniqueConstraint("item_id", "day", "user_id", name="uq_complaint_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    item = relationship("FeedbackItem")
