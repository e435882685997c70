"""The outbox: messages, their language versions, one delivery row per (message, contact, channel)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db

CHANNELS = ("email", "sms")
NORMAL, URGENT = "normal", "urgent"
# PECR: promotional messages (the setting's own offers, fundraising, partners' courses) go only to
# contacts who consented (Contact.consent_promotional); every other category is a service message.
PROMOTIONAL_CATEGORIES = ("promotional",)
# Categories a parent may unsubscribe from (newsletters and the like); alerts always go.
BULK_CATEGORIES = ("newsletter", "activities", "workshops", "surveys", "involvement", "general",
                   *PROMOTIONAL_CATEGORIES)
OTHER_CATEGORIES = ("alert", "health", "closure", "personal")
CATEGORIES = BULK_CATEGORIES + OTHER_CATEGORIES
SERVICE_CATEGORIES = tuple(c for c in CATEGORIES if c not in PROMOTIONAL_CATEGORIES)

# Message lifecycle.
DRAFT, SCHEDULED, EXPANDING, SENDING, DONE, CANCELLED = (
    "draft", "scheduled", "expanding", "sending", "done", "cancelled")

# Delivery lifecycle: only ever forward (see app.messaging.status).
QUEUED, CLAIMED, SENT, DELIVERED, FAILED, UNDELIVERED, SUPPRESSED, EXPIRED = (
    "queued", "sending", "sent", "delivered", "failed", "undelivered", "suppressed", "expired")


class Message(TenantMixin, TimestampMixin, db.Model):
    """What is sent: a category, an urgency, content in one or more languages, an audience."""

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20), default="general")
    urgency: Mapped[str] = mapped_column(String(10), default=NORMAL)
    channels: Mapped[str] = mapped_column(String(12), default="email")  # email | sms | both
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    # {"all": true} | {"rooms": [ids]} | {"children": [ids]} | {"contacts": [ids]} | {"staff": [user ids]}
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    audience_label: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A personal link each recipient gets in place of PERSONAL_LINK in the text (survey, RSVP …).
    link_purpose: Mapped[str | None] = mapped_column(String(32))
    link_scope_id: Mapped[int | None] = mapped_column(Integer)
    # Files attached to every email of the message: [{filename, content_type, text}] (an .ics …).
    attachments: Mapped[list | None] = mapped_column(JSON)

    setting = relationship("Setting")
    created_by = relationship("User")
    versions = relationship("MessageVersion", back_populates="message", cascade="all, delete-orphan",
                            order_by="MessageVersion.language")

    @property
    def is_bulk(self) -> bool:
        return self.category in BULK_CATEGORIES

    @property
    def is_promotional(self) -> bool:
        return self.category in PROMOTIONAL_CATEGORIES

    @property
    def channel_list(self) -> list[str]:
        return list(CHANNELS) if self.channels == "both" else [self.channels]

    def version(self, language: str) -> MessageVersion | None:
        """The content in `language`, if written."""
        return next((v for v in self.versions if v.language == language), None)


class MessageVersion(db.Model):
    """The content of a message in one language."""

    __table_args__ = (UniqueConstraint("message_id", "language", name="uq_message_version_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    sms_text: Mapped[str | None] = mapped_column(Text)

    message = relationship("Message", back_populates="versions")


class Delivery(TenantMixin, db.Model):
    """One message to one contact (or, for staff audiences, one user) on one channel: the outbox row."""

    __table_args__ = (
        UniqueConstraint("message_id", "contact_id", "channel", name="uq_delivery_message_contact_channel"),
        UniqueConstraint("message_id", "user_id", "channel", name="uq_delivery_message_user_channel"),
        Index("ix_delivery_status_queued_at", "status", "queued_at"),
        # A message's rows by status: its counts, and whether any is still pending (asked after every batch).
        Index("ix_delivery_message_status", "message_id", "status"),
        # A contact's deliveries by time sent: reach and engagement figures (app.evidence). queued_at,
        # status and reason make it hold all the reach report's failure test reads (app.evidence.reach):
        # the never-sent rows are a range (sent_at IS NULL, queued_at >= …) read from the index alone.
        Index("ix_delivery_contact_sent_at", "contact_id", "sent_at", "queued_at", "status", "reason"),
        # Only the rows sent in a fallback language (a few in a hundred), with every column the reach
        # report's list of them reads.
        Index("ix_delivery_fallback_queued_at", "setting_id", "queued_at", "contact_id", "message_id", "status",
              sqlite_where=text("fallback IS 1"), postgresql_where=text("fallback IS true")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    # Set instead of contact_id when the recipient is a member of staff ({"staff": [user ids]}).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)  # language was not the contact's own
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    reason: Mapped[str | None] = mapped_column(String(40))  # suppression / failure code
    error: Mapped[str | None] = mapped_column(Text)  # plain-English detail
    provider_id: Mapped[str | None] = mapped_column(String(200), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    stuck: Mapped[bool] = mapped_column(Boolean, default=False)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    message = relationship("Message")
    contact = relationship("Contact")
    user = relationship("User")


class Unsubscribe(TenantMixin, db.Model):
    """A contact who no longer wants one category of bulk message."""

    __table_args__ = (UniqueConstraint("contact_id", "category", name="uq_unsubscribe_contact_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SmsOptOut(TenantMixin, db.Model):
    """A mobile number that texted STOP: no SMS to it until it texts START."""

    __table_args__ = (UniqueConstraint("setting_id", "mobile", name="uq_sms_opt_out_setting_mobile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactProblem(TenantMixin, db.Model):
    """A permanent failure on a contact's address, for staff to fix (shown in reach reports)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact = relationship("Contact")


class InboundSms(TenantMixin, db.Model):
    """A text a parent sent us: a reply (linked to their last message) or a keyword."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"), index=True)
    from_number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    keyword: Mapped[str | None] = mapped_column(String(12))
    provider_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact = relationship("Contact")
    message = relationship("Message")


class DevOutboxItem(TenantMixin, db.Model):
    """Development only: what would have been sent, shown on the staff outbox page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8))
    to: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
