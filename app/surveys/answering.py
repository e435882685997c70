"""A parent's answers: who may answer, validating a screen, saving a draft, submitting once.

Confidential mode keeps no link from an answer to a family:
- the response is found again only by `edit_key_hash`, the SHA-256 of a key derived from the secret
  personal-link token the parent opened (the server stores neither the token nor the key);
- the invitation only flips `responded`, and on every submit all responses, answers and responded
  invitations of the survey are rewritten together, so row versions (PostgreSQL xmin) cannot pair them;
- rows have random ids and no timestamps (SQLite tables without rowid).
"""
from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import session
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from app.extensions import db
from app.families.models import Contact
from app.parents import links
from app.parents.models import LinkToken
from app.settings.models import Setting
from app.surveys.models import (CHOICE_KINDS, NAMED, Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion,
                                SurveyResponse, random_id)
from app.surveys.texts import LIKERT, RATING, YESNO

KEYS = "survey_keys"
PUBLIC = "survey_public"
MAX_TEXT = {"short_text": 200, "long_text": 4000}
NUMBER_LIMIT = 1_000_000


class Tampered(Exception):
    """A post that no page of ours could have produced (unknown question or option)."""


def key_from_token(token: str) -> str:
    """The edit key a personal-link token gives (only the holder of the token can compute it)."""
    return hashlib.sha256(b"homelink survey response\0" + token.encode()).hexdigest()


def remember_link_key(link_id: int, token: str) -> None:
    """Keep the key of the link just opened in this browser's session (signed cookie, not the db)."""
    session[KEYS] = {str(link_id): key_from_token(token)}


@dataclass(frozen=True)
class SurveyState:
    """What answering needs of a survey, read with the answerer (plain values, not the ORM object)."""

    id: int
    setting_id: int
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    mode: str
    revision: int
    message_id: int | None


@dataclass(frozen=True)
class Invited:
    """The answerer's invitation."""

    id: int
    responded: bool
    room_id: int | None


@dataclass(frozen=True)
class Footer:
    """The setting's contact details that every parent page shows."""

    name: str
    phone: str | None
    email: str | None


@dataclass
class Draft:
    """An answerer's response, draft or submitted: {question id: [values]} (option ids as strings)."""

    id: str
    submitted: bool = False
    language: str | None = None
    values: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class Answerer:
    """Who is answering which survey, the key that finds their response, and that response so far.
    `survey` and `invitation` may also be the ORM objects (the demo answers through them)."""

    survey: SurveyState | Survey
    key: str
    invitation: Invited | SurveyInvitation | None = None
    contact_id: int | None = None
    source: str = "link"
    language: str | None = None  # the contact's own
    footer: Footer | None = None
    draft: Draft | None = None

    @property
    def key_hash(self) -> str:
        return _key_hash(self.key, self.survey.id)


# One query finds a personal-link answerer: their link and contact (checked as every parent page
# checks them), the survey, its setting, their invitation, and their response with its answers (a
# row for each answer).
_SURVEY = (Survey.id, Survey.setting_id, Survey.status, Survey.opens_at, Survey.closes_at, Survey.mode,
           Survey.revision, Survey.message_id)
_FOOTER = (Setting.name.label("setting_name"), Setting.phone, Setting.email)
_DRAFT = (SurveyResponse.id.label("response_id"), SurveyResponse.submitted,
          SurveyResponse.language.label("response_language"), SurveyAnswer.question_id, SurveyAnswer.option_id,
          SurveyAnswer.value)


def _with_draft(query, response_matches):
    return (query.add_columns(*_DRAFT).outerjoin(SurveyResponse, response_matches)
            .outerjoin(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id))


_BY_KEY = (SurveyResponse.survey_id == Survey.id) & (SurveyResponse.edit_key_hash == bindparam("key_hash"))
_BY_LINK = _with_draft(
    select(*_SURVEY, *_FOOTER, LinkToken.purpose, LinkToken.scope_id, LinkToken.revoked_at,
           LinkToken.contact_link_version, LinkToken.expires_at, Contact.id.label("contact_id"),
           Contact.setting_id.label("contact_setting_id"), Contact.link_version, Contact.restricted,
           Contact.language, SurveyInvitation.id.label("invitation_id"), SurveyInvitation.responded,
           SurveyInvitation.room_id)
    .select_from(LinkToken).join(Contact, Contact.id == LinkToken.contact_id)
    .join(Survey, Survey.id == bindparam("survey_id")).join(Setting, Setting.id == Survey.setting_id)
    .outerjoin(SurveyInvitation, (SurveyInvitation.survey_id == Survey.id)
               & (SurveyInvitation.contact_id == Contact.id))
    .where(LinkToken.id == bindparam("link_id")), _BY_KEY)
_PUBLIC = _with_draft(select(*_SURVEY, *_FOOTER, Survey.public_key).join(Setting, Setting.id == Survey.setting_id)
                      .where(Survey.id == bindparam("survey_id")), _BY_KEY)
# In named mode a contact has one response, whichever of their links they answer through.
_BY_CONTACT = _with_draft(select(Survey.id).where(Survey.id == bindparam("survey_id")),
                          (SurveyResponse.survey_id == Survey.id)
                          & (SurveyResponse.contact_id == bindparam("contact_id")))
_INVITATION = (select(SurveyInvitation.id, SurveyInvitation.responded, SurveyInvitation.room_id)
               .where(SurveyInvitation.survey_id == bindparam("survey_id"),
                      SurveyInvitation.contact_id == bindparam("contact_id")))


def _draft(rows) -> Draft | None:
    """The response in rows of a `_with_draft` query, if any."""
    if not rows or rows[0].response_id is None:
        return None
    draft = Draft(rows[0].response_id, bool(rows[0].submitted), rows[0].response_language)
    for row in rows:
        if row.question_id is not None:
            value = str(row.option_id) if row.option_id else (row.value or "")
            draft.values.setdefault(row.question_id, []).append(value)
    return draft


def _key_hash(key: str, survey_id: int) -> str:
    return hashlib.sha256(f"{key}:{survey_id}".encode()).hexdigest()


def find_answerer(survey_id: int) -> Answerer | None:
    """The answerer of this browser for a survey, with their response so far: the survey's public
    link opened here, or a personal-link session (a survey link for this survey, or a family link)
    of a contact invited to it."""
    connection = db.session.connection()
    public = session.get(PUBLIC, {})
    if str(survey_id) in public:
        key = public[str(survey_id)]
        rows = connection.execute(_PUBLIC, {"survey_id": survey_id, "key_hash": _key_hash(key, survey_id)}).all()
        if rows and rows[0].public_key:
            row = rows[0]
            return Answerer(SurveyState(*row[:len(_SURVEY)]), key, source="public",
                            footer=Footer(row.setting_name, row.phone, row.email), draft=_draft(rows))
    link_id = links.session_link_id()
    key = session.get(KEYS, {}).get(str(link_id))
    if link_id is None or not key:
        return None
    rows = connection.execute(_BY_LINK, {"survey_id": survey_id, "link_id": link_id,
                                         "key_hash": _key_hash(key, survey_id)}).all()
    row = rows[0] if rows else None
    if (row is None or links.refusal(row, row) is not None or row.contact_setting_id != row.setting_id
            or row.purpose not in ("survey", links.FAMILY) or (row.purpose == "survey" and row.scope_id != survey_id)):
        return None
    survey = SurveyState(*row[:len(_SURVEY)])
    invitation = Invited(row.invitation_id, row.responded, row.room_id) if row.invitation_id else None
    if invitation is None and survey.message_id:
        from app.surveys.services import record_invitations

        record_invitations(survey, survey.message_id)  # the worker sent it before the rows were noted
        connection = db.session.connection()  # that committed, so the session has a new one
        found = connection.execute(_INVITATION, {"survey_id": survey_id, "contact_id": row.contact_id}).first()
        invitation = Invited(*found) if found else None
    if invitation is None:
        return None
    draft = None
    if survey.mode == NAMED:
        draft = _draft(connection.execute(_BY_CONTACT, {"survey_id": survey_id, "contact_id": row.contact_id}).all())
    return Answerer(survey, key, invitation=invitation, contact_id=row.contact_id, language=row.language,
                    footer=Footer(row.setting_name, row.phone, row.email), draft=draft or _draft(rows))


def visible(question: SurveyQuestion, values: dict[int, list[str]]) -> bool:
    """Show-if: shown unless it depends on an earlier answer that has another value."""
    if not question.show_if_question_id:
        return True
    return (question.show_if_value or "") in values.get(question.show_if_question_id, [])


def _allowed(question: SurveyQuestion) -> set[str] | None:
    if question.kind in CHOICE_KINDS:
        return {str(o.id) for o in question.options}
    if question.kind == "likert":
        return {code for code, _label in LIKERT}
    if question.kind == "yesno":
        return {code for code, _label in YESNO}
    if question.kind == "rating":
        return set(RATING)
    return None


def parse_screen(questions: list[SurveyQuestion], form, known: dict[int, list[str]]) -> tuple[dict, dict]:
    """Read one screen's posted answers: ({question id: [values]}, {question id: error}).

    Raises Tampered for a field naming a question not on this screen or an option not offered."""
    ids = {q.id for q in questions}
    for name in form.keys():
        if name.startswith("q"):
            if not name[1:].isdigit() or int(name[1:]) not in ids:
                raise Tampered(name)
    values: dict[int, list[str]] = {}
    errors: dict[int, str] = {}
    for q in questions:
        raw = [v.strip() for v in form.getlist(f"q{q.id}") if v.strip()]
        allowed = _allowed(q)
        if allowed is not None:
            if any(v not in allowed for v in raw):
                raise Tampered(f"q{q.id}")
            if q.kind != "multiple" and len(raw) > 1:
                raise Tampered(f"q{q.id}")
        elif len(raw) > 1:
            raise Tampered(f"q{q.id}")
        if q.kind == "number" and raw:
            try:
                number = float(raw[0].replace(",", "."))
            except ValueError:
                errors[q.id] = _("Please enter a number.")
                continue
            low = q.min_value if q.min_value is not None else -NUMBER_LIMIT
            high = q.max_value if q.max_value is not None else NUMBER_LIMIT
            if not (number == number and low <= number <= high):  # NaN fails too
                errors[q.id] = _("Please enter a number from %(low)s to %(high)s.", low=f"{low:g}", high=f"{high:g}")
                continue
            raw = [f"{number:g}"]
        if q.kind in MAX_TEXT and raw and len(raw[0]) > MAX_TEXT[q.kind]:
            errors[q.id] = _("Please shorten your answer to %(n)s characters.", n=MAX_TEXT[q.kind])
            continue
        values[q.id] = raw
    merged = {**known, **values}
    for q in questions:
        if q.id not in errors and q.required and visible(q, merged) and not values.get(q.id):
            errors[q.id] = _("Please answer this question.")
    return values, errors


_SQLITE_WRITER = threading.Lock()


@contextmanager
def writing(survey_id: int):
    """Around the writes of one survey's answers, up to their commit: one such transaction at a time.
    - PostgreSQL: a submit rewrites every response of its survey together (below), so two writers at
      once would each hold rows the other needs: a deadlock. Taking the survey's row first makes them
      queue instead.
    - SQLite has one writer at a time anyway; this process's writers queue for it on a lock of their
      own, because SQLite's busy handler sleeps 1, 2, 5, 10 ms… between tries instead of waking when
      the database is free."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        with _SQLITE_WRITER:
            yield
    else:
        connection.execute(select(Survey.id).where(Survey.id == survey_id).with_for_update())
        yield


_RESPONSES = SurveyResponse.__table__
_ANSWER_ROWS = SurveyAnswer.__table__
_NEW_RESPONSE = _RESPONSES.insert()
_NEW_ANSWERS = _ANSWER_ROWS.insert()
_CLEAR_SCREEN = _ANSWER_ROWS.delete().where(_ANSWER_ROWS.c.response_id == bindparam("response_id"),
                                            _ANSWER_ROWS.c.question_id.in_(bindparam("question_ids", expanding=True)))
_SET_LANGUAGE = _RESPONSES.update().where(_RESPONSES.c.id == bindparam("response_id")).values(
    language=bindparam("language"))


def save_screen(answerer: Answerer, draft: Draft | None, questions: list[SurveyQuestion],
                values: dict[int, list[str]], known: dict[int, list[str]],
                language: str) -> tuple[Draft, dict[int, list[str]]]:
    """Store one screen's answers in the answerer's response (a draft until submitted); returns the
    response and all its values now. Everything is worked out first, so the writes (which hold
    SQLite's single write lock until the request commits) come last and close together."""
    ids = [q.id for q in questions]
    stored = {k: v for k, v in known.items() if k not in ids}
    merged = {**stored, **values}
    rows = []
    for q in questions:
        if visible(q, merged) and values.get(q.id):
            stored[q.id] = values[q.id]
            choice = q.kind in CHOICE_KINDS
            rows.extend({"id": random_id(), "question_id": q.id, "option_id": int(v) if choice else None,
                         "value": None if choice else v} for v in values[q.id])
    connection = db.session.connection()
    if draft is None:
        draft = Draft(random_id(), language=language)
        named = answerer.survey.mode == NAMED and answerer.contact_id is not None
        connection.execute(_NEW_RESPONSE, {
            "id": draft.id, "survey_id": answerer.survey.id, "edit_key_hash": answerer.key_hash,
            "contact_id": answerer.contact_id if named else None, "submitted": False, "language": language,
            "room_id": answerer.invitation.room_id if answerer.invitation else None, "source": answerer.source})
    else:
        connection.execute(_CLEAR_SCREEN, {"response_id": draft.id, "question_ids": ids})
        if draft.language != language:
            connection.execute(_SET_LANGUAGE, {"response_id": draft.id, "language": language})
    if rows:
        connection.execute(_NEW_ANSWERS, [{**row, "response_id": draft.id} for row in rows])
    draft.language, draft.values = language, stored
    return draft, stored


def missing_required(questions: list[SurveyQuestion], values: dict[int, list[str]]) -> list[SurveyQuestion]:
    """Required questions, shown by the answers so far, still unanswered."""
    return [q for q in questions if q.required and visible(q, values) and not values.get(q.id)]


def submit(answerer: Answerer, draft: Draft | None) -> bool:
    """Submit the answerer's response once per invitation; False when the invitation already
    responded through another link (then nothing changes)."""
    if draft is None:
        return False
    if draft.submitted:
        return True  # an edit: no invitation changes, so nothing in this transaction pairs with it
    if answerer.invitation is not None:
        flipped = db.session.execute(
            update(SurveyInvitation).where(SurveyInvitation.id == answerer.invitation.id,
                                           SurveyInvitation.responded.is_(False))
            .values(responded=True).execution_options(synchronize_session=False)).rowcount
        if flipped != 1:
            return False
    db.session.execute(update(SurveyResponse).where(SurveyResponse.id == draft.id).values(submitted=True)
                       .execution_options(synchronize_session=False))
    draft.submitted = True
    _rewrite_together(answerer.survey.id)
    return True


def _rewrite_together(survey_id: int) -> None:
    """Touch every response, answer and responded invitation of the survey in this transaction."""
    db.session.execute(update(SurveyResponse).where(SurveyResponse.survey_id == survey_id, SurveyResponse.submitted)
                       .values(submitted=True).execution_options(synchronize_session=False))
    ids = select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id).scalar_subquery()
    db.session.execute(update(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids))
                       .values(question_id=SurveyAnswer.question_id).execution_options(synchronize_session=False))
    db.session.execute(update(SurveyInvitation).where(SurveyInvitation.survey_id == survey_id,
                                                      SurveyInvitation.responded)
                       .values(responded=True).execution_options(synchronize_session=False))
