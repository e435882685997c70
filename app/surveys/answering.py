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
from dataclasses import dataclass

from flask import session
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db
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


@dataclass
class Answerer:
    """Who is answering which survey, and the key that finds their response."""

    survey: Survey
    key: str
    invitation: SurveyInvitation | None = None
    contact: object | None = None
    source: str = "link"

    @property
    def key_hash(self) -> str:
        return hashlib.sha256(f"{self.key}:{self.survey.id}".encode()).hexdigest()


def response_of(answerer: Answerer) -> SurveyResponse | None:
    """This answerer's response (draft or submitted), if any, with its answers."""
    survey = answerer.survey
    query = select(SurveyResponse).options(joinedload(SurveyResponse.answers))
    if survey.mode == NAMED and answerer.contact is not None:
        found = db.session.execute(query.where(SurveyResponse.survey_id == survey.id,
                                               SurveyResponse.contact_id == answerer.contact.id)).unique().scalar()
        if found:
            return found
    return db.session.execute(query.where(SurveyResponse.edit_key_hash == answerer.key_hash)).unique().scalar()


def current_values(response: SurveyResponse | None) -> dict[int, list[str]]:
    """{question id: [values]} of a response (option ids as strings for choice questions)."""
    values: dict[int, list[str]] = {}
    for a in (response.answers if response else []):
        values.setdefault(a.question_id, []).append(str(a.option_id) if a.option_id else (a.value or ""))
    return values


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


def lock_survey(survey_id: int) -> None:
    """Write one survey's answers one transaction at a time. A submit rewrites every response of its
    survey together (below), so two writers at once would each hold rows the other needs: a deadlock
    on PostgreSQL. Taking the survey's row first makes them queue instead; SQLite has one writer anyway."""
    db.session.execute(select(Survey.id).where(Survey.id == survey_id).with_for_update())


def save_screen(answerer: Answerer, response: SurveyResponse | None, questions: list[SurveyQuestion],
                values: dict[int, list[str]], known: dict[int, list[str]],
                language: str) -> tuple[SurveyResponse, dict[int, list[str]]]:
    """Store one screen's answers in the answerer's response (a draft until submitted); returns the
    response and all its values now. Everything is worked out first, so the writes (which hold
    SQLite's single write lock until the request commits) come last and close together."""
    ids = {q.id for q in questions}
    stored = {k: v for k, v in known.items() if k not in ids}
    merged = {**stored, **values}
    rows: list[tuple[SurveyQuestion, str]] = []
    for q in questions:
        if visible(q, merged) and values.get(q.id):
            stored[q.id] = values[q.id]
            rows.extend((q, v) for v in values[q.id])
    if response is None:
        response = SurveyResponse(id=random_id(), survey_id=answerer.survey.id, edit_key_hash=answerer.key_hash,
                                  source=answerer.source, language=language,
                                  room_id=answerer.invitation.room_id if answerer.invitation else None)
        if answerer.survey.mode == NAMED and answerer.contact is not None:
            response.contact_id = answerer.contact.id
        db.session.add(response)
    else:
        db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id,
                                                      SurveyAnswer.question_id.in_(ids)))
        db.session.expire(response, ["answers"])
    response.language = language
    db.session.add_all([SurveyAnswer(id=random_id(), response_id=response.id, question_id=q.id, option_id=int(v))
                        if q.kind in CHOICE_KINDS else
                        SurveyAnswer(id=random_id(), response_id=response.id, question_id=q.id, value=v)
                        for q, v in rows])
    db.session.flush()
    return response, stored


def missing_required(questions: list[SurveyQuestion], values: dict[int, list[str]]) -> list[SurveyQuestion]:
    """Required questions, shown by the answers so far, still unanswered."""
    return [q for q in questions if q.required and visible(q, values) and not values.get(q.id)]


def submit(answerer: Answerer, response: SurveyResponse | None) -> bool:
    """Submit the answerer's response once per invitation; False when the invitation already
    responded through another link (then nothing changes)."""
    if response is None:
        return False
    if response.submitted:
        return True  # an edit: no invitation changes, so nothing in this transaction pairs with it
    if answerer.invitation is not None:
        flipped = db.session.execute(
            update(SurveyInvitation).where(SurveyInvitation.id == answerer.invitation.id,
                                           SurveyInvitation.responded.is_(False))
            .values(responded=True).execution_options(synchronize_session=False)).rowcount
        if flipped != 1:
            return False
    response.submitted = True
    db.session.flush()
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
