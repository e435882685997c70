"""Forum members and meetings, volunteer opportunities/slots/sign-ups, skill offers, interest sign-ups."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db

PENDING, ACTIVE, ENDED = "pending", "active", "ended"
OFFERED, CONFIRMED, WITHDRAWN = "offered", "confirmed", "withdrawn"


class ForumMember(TenantMixin, TimestampMixin, db.Model):
    """A parent on the parents' / carers' forum: asks to join by link, the PICO accepts, for a term."""

    __table_args__ = (UniqueConstraint("setting_id", "contact_id", name="uq_forum_member_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    role: Mapped[str] = mapped_column(String(60), default="")
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)

    contact = relationship("Contact")


class ForumMeeting(TenantMixin, TimestampMixin, db.Model):
    """A forum meeting: agenda before, minutes after; published to members or to all parents."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    all_parents: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Opportunity(TenantMixin, TimestampMixin, db.Model):
    """Something parents can help with (an outing, an activity, an event), in one or more slots."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    open: Mapped[bool] = mapped_column(Boolean, default=True)

    slots = relationship("VolunteerSlot", back_populates="opportunity", cascade="all, delete-orphan",
                         order_by="VolunteerSlot.starts_at")


class VolunteerSlot(db.Model):
    """A time when helpers are needed, and how many."""

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    needed: Mapped[int] = mapped_column(Integer, default=1)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    opportunity = relationship("Opportunity", back_populates="slots")
    signups = relationship("VolunteerSignup", back_populates="slot", cascade="all, delete-orphan",
                           order_by="VolunteerSignup.id")


class VolunteerSignup(db.Model):
    """A parent offering to help in a slot; staff confirm."""

    __table_args__ = (UniqueConstraint("slot_id", "contact_id", name="uq_volunteer_signup_slot_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("volunteer_slot.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OFFERED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slot = relationship("VolunteerSlot", back_populates="signups")
    contact = relationship("Contact")


class SkillOffer(TenantMixin, TimestampMixin, db.Model):
    """Skills or interests a parent offers to share (cooking, music, a language, a trade)."""

    __table_args__ = (UniqueConstraint("setting_id", "contact_id", name="uq_skill_offer_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    skills: Mapped[str] = mapped_column(Text, default="")

    contact = relationship("Contact")


class InterestSignup(TenantMixin, db.Model):
    """'Tell me when there's a course on …'."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact = relationship("Contact")
