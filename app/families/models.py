"""Rooms, children, contacts and the links between them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db
from app.privacy.crypto import EncryptedText

CHANNEL_CHOICES = ("email", "sms", "both")
CONSENTS = ("photos", "outings", "platform", "promotional")


class Room(TenantMixin, db.Model):
    """A room or group in the setting (Babies, Toddlers, Pre-school …)."""

    __table_args__ = (UniqueConstraint("setting_id", "name", name="uq_room_setting_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    children = relationship("Child", back_populates="room", order_by="Child.first_name")


class Child(TenantMixin, TimestampMixin, db.Model):
    """A child on roll (or who has left: leaving_date in the past)."""

    __table_args__ = (UniqueConstraint("setting_id", "external_id", name="uq_child_setting_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"), index=True)
    key_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date)
    leaving_date: Mapped[date | None] = mapped_column(Date)
    # Days and sessions attended, {"mon": "am" | "pm" | "full", …}; None: not known (app.families.sessions).
    session_pattern: Mapped[dict | None] = mapped_column(JSON)

    setting = relationship("Setting")
    room = relationship("Room", back_populates="children")
    key_person = relationship("User", foreign_keys=[key_person_id])
    links = relationship(
        "ChildContact", back_populates="child", cascade="all, delete-orphan", order_by="ChildContact.priority"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def has_left(self, today: date | None = None) -> bool:
        """True once the leaving date has passed."""
        today = today or utcnow().date()
        return self.leaving_date is not None and self.leaving_date < today


class Contact(TenantMixin, TimestampMixin, db.Model):
    """A parent or carer (or other adult linked to a child) who may receive messages."""

    __table_args__ = (UniqueConstraint("setting_id", "external_id", name="uq_contact_setting_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    language: Mapped[str] = mapped_column(String(8), default="en")
    channels: Mapped[str] = mapped_column(String(8), default="both")  # email | sms | both

    consent_photos: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_outings: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_platform: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_promotional: Mapped[bool] = mapped_column(Boolean, default=False)

    # "No legal access / do not contact" (e.g. a court order). Excluded from every send.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    restricted_reason: Mapped[str | None] = mapped_column(EncryptedText)  # encrypted at rest
    restricted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # When a message last got through (the latest sent_at of their sent or delivered deliveries), kept by
    # app.messaging.status whenever a delivery's status moves: the reach report reads it.
    last_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Bumped to revoke every family link issued to this contact.
    link_version: Mapped[int] = mapped_column(Integer, default=1)
    # Set when the contact's personal data was erased (app.privacy.erasure): the row stays for the figures.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    setting = relationship("Setting")
    links = relationship("ChildContact", back_populates="contact", cascade="all, delete-orphan")
    restricted_by = relationship("User", foreign_keys=[restricted_by_id])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def wants_email(self) -> bool:
        return self.channels in ("email", "both")

    @property
    def wants_sms(self) -> bool:
        return self.channels in ("sms", "both")


class ChildContact(db.Model):
    """How one contact relates to one child: relationship, responsibility, collection."""

    __table_args__ = (UniqueConstraint("child_id", "contact_id", name="uq_child_contact_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    relationship_label: Mapped[str] = mapped_column("relationship", String(50), default="Parent")
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=True)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    authorised_to_collect: Mapped[bool] = mapped_column(Boolean, default=True)
    collection_password_note: Mapped[str | None] = mapped_column(EncryptedText)  # encrypted at rest

    child = relationship("Child", back_populates="links")
    contact = relationship("Contact", back_populates="links")
