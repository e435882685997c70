"""Workshops (events), their language versions, RSVPs; meeting-time polls."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, exists
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db

OPEN, CANCELLED = "open", "cancelled"
PER_CONTACT, PER_FAMILY = "contact", "family"
YES, NO, MAYBE = "yes", "no", "maybe"
CONFIRMED, WAITING, DECLINED = "confirmed", "waiting", "declined"


def _uid() -> str:
    return f"{uuid.uuid4()}@homelink"


class Workshop(TenantMixin, TimestampMixin, db.Model):
    """A workshop, course, meeting or event that parents are invited to, held in one or more sessions.

    `starts_at`/`ends_at` are the span of the whole course (first start, last end), kept in step with
    the sessions by `set_sessions`; building a Workshop with `starts_at`/`ends_at` and no `sessions`
    gives it one session at that time (whose calendar UID is the workshop's)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="workshop")  # workshop | course | meeting | event
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(String(300), default="")
    access_notes: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None] = mapped_column(Integer)  # adult places; None = no limit
    creche: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"all": true} | {"rooms": [ids]} | {"contacts": [ids]} (the messaging core's shapes)
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    rsvp_mode: Mapped[str] = mapped_column(String(10), default=PER_FAMILY)
    rsvp_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_hours: Mapped[int] = mapped_column(Integer, default=24)
    status: Mapped[str] = mapped_column(String(12), default=OPEN)
    uid: Mapped[str] = mapped_column(String(80), default=_uid, unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    thanks_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    default_language: Mapped[str] = mapped_column(String(8), default="en")

    setting = relationship("Setting")
    texts = relationship("WorkshopText", back_populates="workshop", cascade="all, delete-orphan",
                         order_by="WorkshopText.language")
    rsvps = relationship("Rsvp", back_populates="workshop", cascade="all, delete-orphan",
                         order_by="Rsvp.created_at")
    sessions = relationship("WorkshopSession", back_populates="workshop", cascade="all, delete-orphan",
                            order_by="WorkshopSession.starts_at")

    def __init__(self, **kw) -> None:
        kw.setdefault("uid", _uid())
        if "sessions" not in kw and kw.get("starts_at") and kw.get("ends_at"):
            kw["sessions"] = [WorkshopSession(starts_at=kw["starts_at"], ends_at=kw["ends_at"], uid=kw["uid"])]
        super().__init__(**kw)

    def set_sessions(self, times: list[tuple[datetime, datetime]]) -> bool:
        """Make the sessions these (start, end) times, in order: the n-th session keeps its row (and its
        calendar UID) and takes the n-th time; extra rows go, new ones are added. True when anything changed."""
        times = sorted(times)
        rows = list(self.sessions)
        changed = len(rows) != len(times)
        for index, (start, end) in enumerate(times):
            if index < len(rows):
                row = rows[index]
                if (row.starts_at, row.ends_at) != (start, end):
                    row.starts_at, row.ends_at, row.reminder_sent_at = start, end, None
                    changed = True
            else:
                self.sessions.append(WorkshopSession(starts_at=start, ends_at=end,
                                                     uid=self.uid if not rows and index == 0 else _uid()))
        for row in rows[len(times):]:
            self.sessions.remove(row)
        self.starts_at, self.ends_at = times[0][0], max(end for _start, end in times)
        return changed

    @property
    def last_session(self) -> WorkshopSession:
        return self.sessions[-1]

    def text(self, language: str | None = None) -> WorkshopText:
        """Title and description in `language`, else in the default language."""
        by_lang = {t.language: t for t in self.texts}
        return by_lang.get(language) or by_lang.get(self.default_language) or self.texts[0]

    @property
    def title(self) -> str:
        return self.text().title

    @property
    def languages(self) -> list[str]:
        return [t.language for t in self.texts]


class WorkshopSession(db.Model):
    """One meeting of a workshop or course: its date and times (the venue is the workshop's)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uid: Mapped[str] = mapped_column(String(80), default=_uid, unique=True)  # the session's VEVENT UID
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop = relationship("Workshop", back_populates="sessions")
    attendances = relationship("SessionAttendance", back_populates="session", cascade="all, delete-orphan")

    @property
    def number(self) -> int:
        """1 for the first session of the course, and so on."""
        return self.workshop.sessions.index(self) + 1


class SessionAttendance(db.Model):
    """The register: this answer's party came to this session."""

    __table_args__ = (UniqueConstraint("session_id", "rsvp_id", name="uq_session_attendance_rsvp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id", ondelete="CASCADE"), index=True)
    rsvp_id: Mapped[int] = mapped_column(ForeignKey("rsvp.id", ondelete="CASCADE"), index=True)

    session = relationship("WorkshopSession", back_populates="attendances")


def meets_between(start, end):
    """SQL: the workshop has a session starting in start <= t < end, so a course running across two
    terms is held in both."""
    return exists().where(WorkshopSession.workshop_id == Workshop.id, WorkshopSession.starts_at >= start,
                          WorkshopSession.starts_at < end)


def came_between(start, end):
    """SQL: the answer's party is on the register of a session starting in start <= t < end."""
    return exists().where(SessionAttendance.rsvp_id == Rsvp.id, WorkshopSession.id == SessionAttendance.session_id,
                          WorkshopSession.starts_at >= start, WorkshopSession.starts_at < end)


class WorkshopText(db.Model):
    """A workshop's title and description in one language."""

    __table_args__ = (UniqueConstraint("workshop_id", "language", name="uq_workshop_text_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    workshop = relationship("Workshop", back_populates="texts")


class Rsvp(TenantMixin, TimestampMixin, db.Model):
    """One answer to an invitation: per contact, or shared by a family (as the workshop says)."""

    __table_args__ = (UniqueConstraint("workshop_id", "party", name="uq_rsvp_workshop_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(40))  # "c<contact id>" or "f<child id>" (the family)
    answer: Mapped[str] = mapped_column(String(8))
    place: Mapped[str] = mapped_column(String(12))  # confirmed | waiting | declined
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adults: Mapped[int] = mapped_column(Integer, default=1)
    children: Mapped[int] = mapped_column(Integer, default=0)
    creche_places: Mapped[int] = mapped_column(Integer, default=0)
    interpreter_language: Mapped[str | None] = mapped_column(String(8))
    access_needs: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    attended: Mapped[bool] = mapped_column(Boolean, default=False)  # came to at least one session
    confirmation_sequence: Mapped[int | None] = mapped_column(Integer)

    workshop = relationship("Workshop", back_populates="rsvps")
    contact = relationship("Contact")

    @property
    def coming(self) -> bool:
        return self.answer in (YES, MAYBE) and self.place == CONFIRMED


class Poll(TenantMixin, TimestampMixin, db.Model):
    """A meeting-time poll: several slots, each family says which work for them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id", ondelete="SET NULL"))

    setting = relationship("Setting")
    slots = relationship("PollSlot", back_populates="poll", cascade="all, delete-orphan",
                         order_by="PollSlot.starts_at")


class PollSlot(db.Model):
    """One proposed time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    poll = relationship("Poll", back_populates="slots")


class PollAnswer(db.Model):
    """A contact's works / could / can't for one slot."""

    __table_args__ = (UniqueConstraint("slot_id", "contact_id", name="uq_poll_answer_slot_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("poll_slot.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(8))  # works | could | cant
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
