"""Activities, their language versions, weekly digests and parents' "we tried it"."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db
from app.versioned import LanguageVersion, Versioned


class Activity(Versioned, TenantMixin, TimestampMixin, db.Model):
    """Something to try at home: EYFS areas of learning, an age band, an optional picture."""

    id: Mapped[int] = mapped_column(primary_key=True)
    areas: Mapped[list] = mapped_column(JSON, default=list)
    age_band: Mapped[str] = mapped_column(String(8), default="3-5")
    picture_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id", ondelete="SET NULL"))

    picture = relationship("Upload")
    versions = relationship("ActivityVersion", back_populates="activity", cascade="all, delete-orphan",
                            order_by="ActivityVersion.language")


class ActivityVersion(LanguageVersion, db.Model):
    """An activity in one language, with its review state (app.versioned)."""

    __table_args__ = (UniqueConstraint("activity_id", "language", name="uq_activity_version_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    what_to_do: Mapped[str] = mapped_column(Text, default="")
    what_you_need: Mapped[str] = mapped_column(Text, default="")
    why_it_helps: Mapped[str] = mapped_column(Text, default="")

    activity = relationship("Activity", back_populates="versions")


class Digest(Versioned, TenantMixin, TimestampMixin, db.Model):
    """"This week's learning" for one room: 1-3 activities, and what the children explored (its versions).

    A draft until sent (message_id set)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"), index=True)
    activity_ids: Mapped[list] = mapped_column(JSON, default=list)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))

    setting = relationship("Setting")
    room = relationship("Room")
    versions = relationship("DigestVersion", back_populates="digest", cascade="all, delete-orphan",
                            order_by="DigestVersion.language")


class DigestVersion(LanguageVersion, db.Model):
    """What the children explored this week, in one language, with its review state (app.versioned)."""

    __table_args__ = (UniqueConstraint("digest_id", "language", name="uq_digest_version_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digest.id", ondelete="CASCADE"), index=True)
    explored: Mapped[str] = mapped_column(Text, default="")

    digest = relationship("Digest", back_populates="versions")


class ActivityTry(TenantMixin, db.Model):
    """A family tried an activity at home (once per contact per activity), with an optional note."""

    __table_args__ = (UniqueConstraint("activity_id", "contact_id", name="uq_activity_try_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digest.id", ondelete="SET NULL"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
