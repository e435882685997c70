"""Questionnaires: the survey and its questions, invitations, and answers kept apart from families.

Confidentiality by construction: `SurveyResponse` and `SurveyAnswer` have no column that names a
contact or an invitation in confidential mode, no timestamp, and random (not sequential) ids; the
invitation only records `responded`. A response is found again (to edit it) through
`edit_key_hash`: the SHA-256 of a key derived from the parent's own link token, which is never stored.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.columns import TenantMixin, TimestampMixin, UTCDateTime
from app.extensions import db

KINDS = ("single", "multiple", "rating", "likert", "yesno", "number", "short_text", "long_text")
CHOICE_KINDS = ("single", "multiple")
CONFIDENTIAL, NAMED = "confidential", "named"
DRAFT, SCHEDULED, OPEN, CLOSED = "draft", "scheduled", "open", "closed"
TEXT_DRAFT, TEXT_REVIEW, TEXT_APPROVED = "draft", "needs_review", "approved"
TEXT_STATUSES = (TEXT_DRAFT, TEXT_REVIEW, TEXT_APPROVED)


def random_id() -> str:
    """A random row id: reveals nothing about when or in which order rows were written."""
    return secrets.token_hex(16)


class Survey(TenantMixin, TimestampMixin, db.Model):
    """A questionnaire: its texts in the default language, mode, dates, reminders and audience."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(12), default=CONFIDENTIAL)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_days: Mapped[str] = mapped_column(String(40), default="3,7")
    channels: Mapped[str] = mapped_column(String(12), default="both")
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(Integer)  # the invitation message
    public_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    # one more on every change of the questions (app/surveys/structure.py keeps them per process)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the workshop this survey evaluates (sent with its thank-you), if any
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshop.id", ondelete="SET NULL"), index=True)

    sections = relationship("SurveySection", back_populates="survey", cascade="all, delete-orphan",
                            order_by="SurveySection.position")
    questions = relationship("SurveyQuestion", back_populates="survey", cascade="all, delete-orphan",
                             order_by="SurveyQuestion.position")
    texts = relationship("SurveyText", cascade="all, delete-orphan")
    setting = relationship("Setting")
    workshop = relationship("Workshop")

    @property
    def confidential(self) -> bool:
        return self.mode == CONFIDENTIAL

    def reminder_list(self) -> list[int]:
        """The reminder days as numbers (e.g. [3, 7])."""
        return sorted({int(d) for d in self.reminder_days.replace(" ", "").split(",") if d.isdigit()})


class SurveySection(db.Model):
    """A group of questions shown on one screen."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="")

    survey = relationship("Survey", back_populates="sections")
    questions = relationship("SurveyQuestion", back_populates="section", order_by="SurveyQuestion.position")


class SurveyQuestion(db.Model):
    """A question of one of the KINDS; optionally shown only when an earlier answer has a value."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    low_label: Mapped[str] = mapped_column(String(80), default="")
    high_label: Mapped[str] = mapped_column(String(80), default="")
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    show_if_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_question.id", ondelete="SET NULL"))
    show_if_value: Mapped[str | None] = mapped_column(String(40))

    survey = relationship("Survey", back_populates="questions")
    section = relationship("SurveySection", back_populates="questions")
    options = relationship("SurveyOption", back_populates="question", cascade="all, delete-orphan",
                           order_by="SurveyOption.position")


class SurveyOption(db.Model):
    """One choice of a single- or multiple-choice question."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))

    question = relationship("SurveyQuestion", back_populates="options")


class SurveyText(db.Model):
    """A language version of one text of a survey (title, intro, section, question, option, label)."""

    __table_args__ = (UniqueConstraint("survey_id", "key", "language", name="uq_survey_text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # "title", "intro", "s:<id>", "q:<id>", "o:<id>", "lo:<id>", "hi:<id>"
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(14), default=TEXT_DRAFT)


class SurveyInvitation(TenantMixin, db.Model):
    """One contact invited to one survey: knows whether they responded, never what or when."""

    __table_args__ = (UniqueConstraint("survey_id", "contact_id", name="uq_survey_invitation"),
                      Index("ix_survey_invitation_setting_invited_at", "setting_id", "invited_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="en")
    channel: Mapped[str] = mapped_column(String(12), default="email")
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    responded: Mapped[bool] = mapped_column(Boolean, default=False)

    survey = relationship("Survey")
    contact = relationship("Contact")


class SurveyResponse(db.Model):
    """One set of answers. `contact_id` only in named mode; nothing else leads back to a family."""

    __table_args__ = {"sqlite_with_rowid": False}  # no hidden insertion-order rowid on SQLite
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    edit_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8), default="en")
    room_id: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10), default="link")  # link | public

    answers = relationship("SurveyAnswer", cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """One answer value (a multiple-choice question has one row per ticked option)."""

    __table_args__ = {"sqlite_with_rowid": False}
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    response_id: Mapped[str] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_option.id", ondelete="CASCADE"))
    value: Mapped[str | None] = mapped_column(Text)  # rating/likert/yesno code, number or free text
