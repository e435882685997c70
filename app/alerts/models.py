"""Late-collection alerts, their step-by-step record, the setting's alert options and illness list."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, UTCDateTime
from app.extensions import db
from app.i18n import _sl

OPEN, ON_WAY, COLLECTED, CANCELLED = "open", "on_way", "collected", "cancelled"
ACTIVE = (OPEN, ON_WAY)
STATUS_LABELS = {OPEN: _sl("Open"), ON_WAY: _sl("Someone is on their way"), COLLECTED: _sl("Collected"),
                 CANCELLED: _sl("Cancelled")}

# Kinds of step in an alert's record.
RAISED, SENT, ESCALATED, REPLY, MARKED_ON_WAY, MARKED_COLLECTED, MARKED_CANCELLED, LIMIT, FAULT, FALLBACK = (
    "raised", "sent", "escalated", "reply", "on_way", "collected", "cancelled", "limit", "fault", "fallback")
KEYWORD = "keyword"  # a STOP / START / HELP text during the alert: shown, but not an answer
STEP_LABELS = {
    RAISED: _sl("Alert raised"),
    SENT: _sl("Contacts told"),
    ESCALATED: _sl("Next contacts told"),
    REPLY: _sl("Reply"),
    KEYWORD: _sl("Text keyword"),
    MARKED_ON_WAY: _sl("On their way"),
    MARKED_COLLECTED: _sl("Collected"),
    MARKED_CANCELLED: _sl("Cancelled"),
    LIMIT: _sl("Time limit reached"),
    FAULT: _sl("Problem"),
    FALLBACK: _sl("Emailed instead"),
}


class AlertOptions(TenantMixin, db.Model):
    """The manager's choices for late collection: timings, numbers to call, the message text."""

    __table_args__ = (UniqueConstraint("setting_id", name="uq_alert_options_setting"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    escalate_minutes: Mapped[int] = mapped_column(Integer, default=10)
    limit_minutes: Mapped[int] = mapped_column(Integer, default=60)
    closing_time: Mapped[str] = mapped_column(String(5), default="18:00")
    afternoon_from: Mapped[str] = mapped_column(String(5), default="12:30")  # home time: morning or afternoon
    manager_phone: Mapped[str | None] = mapped_column(String(32))
    duty_line: Mapped[str | None] = mapped_column(String(32))  # local authority children's services
    # The manager's own wording per language ({"en": "…{child}…"}); missing languages use the standard text.
    templates: Mapped[dict] = mapped_column(JSON, default=dict)


class Alert(TenantMixin, db.Model):
    """One child not collected: who raised it, who was told, and how it ended."""

    # open_child_id holds the child's id while the alert is open and NULL after: one open alert per child.
    __table_args__ = (UniqueConstraint("open_child_id", name="uq_alert_open_child"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    open_child_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=OPEN, index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    wave: Mapped[int] = mapped_column(Integer, default=0)  # how many groups of contacts have been told
    last_wave_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    limit_reached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    collected_by: Mapped[str | None] = mapped_column(String(200))

    child = relationship("Child")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    events = relationship("AlertEvent", back_populates="alert", order_by="AlertEvent.id",
                          cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class AlertEvent(TenantMixin, db.Model):
    """One step of an alert, with its time and who did it: the incident record."""

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_sms.id", ondelete="SET NULL"),
                                                   unique=True)
    detail: Mapped[str] = mapped_column(Text, default="")

    alert = relationship("Alert", back_populates="events")
    actor = relationship("User")
    contact = relationship("Contact")


class Illness(TenantMixin, db.Model):
    """An infectious illness on the manager's list, with what to look for in each language."""

    __table_args__ = (UniqueConstraint("setting_id", "name", name="uq_illness_setting_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    names: Mapped[dict] = mapped_column(JSON, default=dict)  # the illness's name per language
    guidance: Mapped[dict] = mapped_column(JSON, default=dict)  # what to look for, per language


# A child's mark on the home-time screen for one day.
MARK_COLLECTED, MARK_ABSENT = "collected", "absent"
MARK_LABELS = {MARK_COLLECTED: _sl("Collected"), MARK_ABSENT: _sl("Absent today")}


class HomeTimeMark(TenantMixin, db.Model):
    """A child marked collected (or absent) on one day, by whom and when: off that day's home-time list."""

    __table_args__ = (UniqueConstraint("child_id", "day", name="uq_home_time_mark_child_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)  # the setting's local date
    kind: Mapped[str] = mapped_column(String(10))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    marked_by = relationship("User")
