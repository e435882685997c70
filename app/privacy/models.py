"""Consent history, hashes of erased contacts' opted-out addresses, and subject access exports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, UTCDateTime
from app.extensions import db
from app.privacy.crypto import EncryptedBytes

# How a consent was given or withdrawn.
HOW_STAFF, HOW_PARENT, HOW_IMPORT, HOW_UNSUBSCRIBE = "staff", "family_page", "import", "unsubscribe"
ALL_CATEGORIES = "*"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class ConsentEvent(TenantMixin, db.Model):
    """One change of one consent: what, given or withdrawn, when, how, and by whom. Never changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    consent: Mapped[str] = mapped_column(String(20))  # photos | outings | platform | promotional
    given: Mapped[bool] = mapped_column(Boolean)
    how: Mapped[str] = mapped_column(String(20))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    by_label: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OptOutHash(TenantMixin, db.Model):
    """An erased contact's opted-out (or restricted) address, kept only as a keyed hash, so that a
    re-import of the same email or mobile does not resume messaging (checked by the outbox)."""

    __table_args__ = (UniqueConstraint("setting_id", "channel", "digest", name="uq_opt_out_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    digest: Mapped[str] = mapped_column(String(64))
    categories: Mapped[list] = mapped_column(JSON, default=list)  # bulk categories, or ["*"] for everything
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExportJob(TenantMixin, db.Model):
    """A subject access export made in the background: its progress, then the (encrypted) ZIP."""

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(10))  # contact | family
    subject_id: Mapped[int] = mapped_column(Integer)  # contact id, or the id of a child of the family
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    done_steps: Mapped[int] = mapped_column(Integer, default=0)
    total_steps: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by = relationship("User")

    @property
    def percent(self) -> int:
        return int(100 * self.done_steps / self.total_steps) if self.total_steps else 0
