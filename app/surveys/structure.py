"""A survey's sections, questions and options as plain read-only objects, kept by each process.

Every parent request needs the whole structure of its survey, which rarely changes. Loading it through
the ORM was most of a survey page's cost, so each process keeps it, checked against `Survey.revision`:
any flush that adds, changes or deletes a survey, section, question or option adds one to the revision
of the survey it belongs to, so the next request loads it again. The language versions of its texts
(`texts_of`) are kept the same way: a change to one counts as a change to the survey.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from sqlalchemy import event, update
from sqlalchemy.orm import Session, joinedload

from app.extensions import db
from app.surveys.models import Survey, SurveyOption, SurveyQuestion, SurveySection, SurveyText
from app.surveys.texts import Texts

KEEP = 256  # surveys kept per process; more open at once than this only costs a reload


@dataclass(frozen=True)
class Option:
    id: int
    text: str


@dataclass(frozen=True)
class Question:
    id: int
    kind: str
    text: str
    required: bool
    low_label: str
    high_label: str
    min_value: float | None
    max_value: float | None
    show_if_question_id: int | None
    show_if_value: str | None
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Section:
    id: int
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Structure:
    """What a parent answers: the survey's title, intro and sections, in order."""

    id: int  # the survey's
    revision: int
    title: str
    intro: str
    sections: tuple[Section, ...]

    @property
    def screens(self) -> list[Section]:
        """The sections a parent sees, one per screen (empty ones are skipped)."""
        return [s for s in self.sections if s.questions]

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


_kept: dict[int, Structure] = {}


def structure_of(survey) -> Structure:
    """The structure of `survey` (the Survey, or a row of its id and revision) at its current
    revision: kept, or loaded and kept.

    What is kept is read in a session of its own, so it is only ever what has been committed, with
    the revision committed with it; a Survey this transaction has changed (or not yet committed) is
    read from the request's own session and not kept."""
    kept = _kept.get(survey.id)
    if kept is not None and kept.revision == survey.revision:
        return kept
    with Session(db.engine) as session:
        committed = _build(session.get(Survey, survey.id, options=[_WHOLE]))
    if committed is None or (committed.revision != survey.revision and isinstance(survey, Survey)):
        return _build(survey)
    if len(_kept) >= KEEP:
        _kept.clear()
    _kept[survey.id] = committed
    return committed


_texts: dict[tuple[int, int, str], Texts] = {}


def texts_of(structure: Structure, language: str) -> Texts:
    """The approved texts of a committed structure (for parents' pages) in `language`, kept with it.
    Read after the structure's revision was, so what is kept under a revision is never older than it."""
    key = (structure.id, structure.revision, language)
    kept = _texts.get(key)
    if kept is None:
        with Session(db.engine) as session:
            kept = Texts(structure, language, session=session)
        if len(_texts) >= KEEP * 4:
            _texts.clear()
        _texts[key] = kept
    return kept


def forget() -> None:
    """Drop what this process keeps (the tests' databases reuse ids; a real one never does)."""
    _kept.clear()
    _texts.clear()


_WHOLE = joinedload(Survey.sections).joinedload(SurveySection.questions).joinedload(SurveyQuestion.options)


def _build(survey: Survey | None) -> Structure | None:
    if survey is None:
        return None
    return Structure(survey.id, survey.revision, survey.title, survey.intro or "", tuple(
        Section(s.id, s.title or "", tuple(
            Question(q.id, q.kind, q.text, bool(q.required), q.low_label or "", q.high_label or "",
                     q.min_value, q.max_value, q.show_if_question_id, q.show_if_value,
                     tuple(Option(o.id, o.text) for o in q.options))
            for q in s.questions))
        for s in survey.sections))


def _survey_id(obj) -> int | None:
    if isinstance(obj, Survey):
        return obj.id
    if isinstance(obj, (SurveySection, SurveyQuestion, SurveyText)):
        return obj.survey_id or (obj.survey.id if getattr(obj, "survey", None) is not None else None)
    if isinstance(obj, SurveyOption):
        question = obj.question
        return question.survey_id if question is not None else None
    return None


@event.listens_for(Session, "before_flush")
def _note_changed(session, _context, _instances) -> None:
    with session.no_autoflush:
        changed = {_survey_id(obj) for obj in chain(session.new, session.deleted)}
        changed |= {_survey_id(obj) for obj in session.dirty if session.is_modified(obj)}
    changed.discard(None)
    if changed:
        session.info.setdefault("surveys_changed", set()).update(changed)


@event.listens_for(Session, "after_flush_postexec")
def _bump_revisions(session, _context) -> None:
    changed = session.info.pop("surveys_changed", None)
    if not changed:
        return
    table = Survey.__table__
    session.connection().execute(update(table).where(table.c.id.in_(changed)).values(revision=table.c.revision + 1))
    for obj in session.identity_map.values():
        if isinstance(obj, Survey) and obj.id in changed:
            session.expire(obj, ["revision"])
