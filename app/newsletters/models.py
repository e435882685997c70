"""Newsletter issues and notices, their language versions, uploads, reads and acknowledgements."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db

from app.versioned import APPROVED, DRAFT, NEEDS_REVIEW, VERSION_STATES, LanguageVersion, Versioned  # noqa: F401
# Kinds of issue: a newsletter, or a notice (which may need acknowledgement).
NEWSLETTER, NOTICE, PROMOTIONAL = "newsletter", "notice", "promotional"
# The message category each kind is sent as (a promotional issue goes only to contacts who consented).
ISSUE_CATEGORIES = {NEWSLETTER: "newsletter", NOTICE: "general", PROMOTIONAL: "promotional"}


class Issue(Versioned, TenantMixin, TimestampMixin, db.Model):
    """One newsletter issue or notice: audience and channels; content lives in its versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default=NEWSLETTER)
    requires_ack: Mapped[bool] = mapped_column(Boolean, default=False)
    channels: Mapped[str] = mapped_column(String(8), default="both")
    # {"kind": "all"|"rooms"|"key_groups"|"starting"|"leaving", "ids": [...], "pr_only": bool,
    #  "one_per_family": bool}
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    reminder_message_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    setting = relationship("Setting")
    message = relationship("Message")
    versions = relationship("IssueVersion", back_populates="issue", cascade="all, delete-orphan",
                            order_by="IssueVersion.language")
    uploads = relationship("Upload", back_populates="issue", order_by="Upload.id")


class IssueVersion(LanguageVersion, db.Model):
    """The issue in one language, with its review state (app.versioned)."""

    __table_args__ = (UniqueConstraint("issue_id", "language", name="uq_issue_version_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    sms_text: Mapped[str] = mapped_column(Text, default="")

    issue = relationship("Issue", back_populates="versions")


class Upload(TenantMixin, db.Model):
    """An image or attachment uploaded with an issue, served by the app at an unguessable URL."""

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issue = relationship("Issue", back_populates="uploads")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class IssueRead(TenantMixin, db.Model):
    """A contact opened the web version (once per contact; the first time is kept)."""

    __table_args__ = (UniqueConstraint("issue_id", "contact_id", name="uq_issue_read_contact"),
                      Index("ix_issue_read_contact_at", "contact_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Acknowledgement(TenantMixin, db.Model):
    """'I have read and understood': once per contact per notice, with the language it was shown in."""

    __table_args__ = (UniqueConstraint("issue_id", "contact_id", name="uq_acknowledgement_contact"),
                      Index("ix_acknowledgement_contact_at", "contact_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact = relationship("Contact")
