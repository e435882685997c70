"""Builder editing: reword, reorder and delete questions and sections (removal only before sending)."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from app.extensions import db
from app.i18n import _s
from app.surveys.models import (CHOICE_KINDS, DRAFT, Survey, SurveyOption, SurveyQuestion, SurveyResponse,
                                SurveySection, SurveyText)
from app.surveys.services import mark_changed


def structure_locked(survey: Survey) -> bool:
    """True once invitations went out or answers exist: then texts may be corrected, nothing removed or moved."""
    if survey.sent_at is not None or survey.status != DRAFT:
        return True
    return bool(db.session.scalar(select(func.count()).select_from(SurveyResponse)
                                  .where(SurveyResponse.survey_id == survey.id)))


def _drop_texts(survey: Survey, keys: list[str]) -> None:
    db.session.execute(delete(SurveyText).where(SurveyText.survey_id == survey.id, SurveyText.key.in_(keys)))
    db.session.expire(survey, ["texts"])


def _renumber(survey: Survey) -> None:
    """Positions 0..n in reading order (sections, then questions section by section)."""
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    n = 0
    for i, section in enumerate(survey.sections):
        section.position = i
        db.session.expire(section, ["questions"])
        for q in section.questions:
            q.position, n = n, n + 1
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])


def _order_ok(survey: Survey) -> bool:
    """Every show-if question still comes after the question it depends on."""
    seen: set[int] = set()
    for section in sorted(survey.sections, key=lambda s: s.position):
        for q in sorted(section.questions, key=lambda q: q.position):
            if q.show_if_question_id and q.show_if_question_id not in seen:
                return False
            seen.add(q.id)
    return True


def update_question(question: SurveyQuestion, text: str, required: bool, options: list[str], low: str, high: str,
                    min_value: float | None, max_value: float | None) -> str | None:
    """Change a question; after sending only its wording. Returns an error message, or None when saved."""
    survey = question.survey
    locked = structure_locked(survey)
    lines = [o.strip() for o in options if o.strip()]
    if question.kind in CHOICE_KINDS:
        if locked and len(lines) != len(question.options):
            return _s("Invitations have been sent: correct the wording of the choices, one per line, "
                      "but keep the same number of choices.")
        if len(lines) < 2:
            return _s("A choice question needs at least two choices, one per line.")
    mark_changed(survey, f"q:{question.id}", text)
    question.text = text.strip()
    if question.kind == "rating":
        mark_changed(survey, f"lo:{question.id}", low)
        mark_changed(survey, f"hi:{question.id}", high)
        question.low_label, question.high_label = low.strip(), high.strip()
    if question.kind in CHOICE_KINDS:
        for option, line in zip(list(question.options), lines):
            mark_changed(survey, f"o:{option.id}", line)
            option.text = line
        for extra in lines[len(question.options):]:
            question.options.append(SurveyOption(text=extra, position=len(question.options)))
        for option in list(question.options)[len(lines):]:
            _remove_option(question, option)
    if not locked:
        question.required = required
        if question.kind == "number":
            question.min_value, question.max_value = min_value, max_value
    db.session.flush()
    return None


def _remove_option(question: SurveyQuestion, option: SurveyOption) -> None:
    for dependent in db.session.scalars(select(SurveyQuestion).where(
            SurveyQuestion.show_if_question_id == question.id, SurveyQuestion.show_if_value == str(option.id))):
        dependent.show_if_question_id, dependent.show_if_value = None, None
    _drop_texts(question.survey, [f"o:{option.id}"])
    question.options.remove(option)


def delete_question(question: SurveyQuestion) -> str | None:
    """Delete a question before sending (questions shown only after it are then always shown)."""
    survey = question.survey
    if structure_locked(survey):
        return _s("Invitations have been sent, so questions cannot be deleted any more.")
    for dependent in db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.show_if_question_id == question.id)):
        dependent.show_if_question_id, dependent.show_if_value = None, None
    _drop_texts(survey, [f"q:{question.id}", f"lo:{question.id}", f"hi:{question.id}"]
                + [f"o:{o.id}" for o in question.options])
    db.session.delete(question)
    _renumber(survey)
    return None


def delete_section(section: SurveySection) -> str | None:
    """Delete a section and its questions before sending; a survey keeps at least one section."""
    survey = section.survey
    if structure_locked(survey):
        return _s("Invitations have been sent, so sections cannot be deleted any more.")
    if len(survey.sections) < 2:
        return _s("A questionnaire needs at least one section.")
    for question in list(section.questions):
        delete_question(question)
    _drop_texts(survey, [f"s:{section.id}"])
    db.session.delete(section)
    _renumber(survey)
    return None


def rename_section(section: SurveySection, title: str) -> None:
    """Correct a section's title (its translations go back to review)."""
    mark_changed(section.survey, f"s:{section.id}", title)
    section.title = title.strip()
    db.session.flush()


def _swap(items: list, item, up: bool) -> bool:
    i = items.index(item)
    j = i - 1 if up else i + 1
    if j < 0 or j >= len(items):
        return False
    items[i].position, items[j].position = items[j].position, items[i].position
    return True


def move_question(question: SurveyQuestion, up: bool) -> str | None:
    """Move a question one place up or down within its section."""
    survey = question.survey
    if structure_locked(survey):
        return _s("Invitations have been sent, so the order cannot be changed any more.")
    _renumber(survey)
    siblings = sorted(question.section.questions, key=lambda q: q.position)
    if _swap(siblings, question, up) and not _order_ok(survey):
        _swap(siblings, question, not up)
        return _s("A question shown only for an earlier answer must stay after that question.")
    db.session.flush()
    return None


def move_section(section: SurveySection, up: bool) -> str | None:
    """Move a section (one screen for parents) one place up or down."""
    survey = section.survey
    if structure_locked(survey):
        return _s("Invitations have been sent, so the order cannot be changed any more.")
    sections = sorted(survey.sections, key=lambda s: s.position)
    if _swap(sections, section, up) and not _order_ok(survey):
        _swap(sections, section, not up)
        return _s("A question shown only for an earlier answer must stay after that question.")
    _renumber(survey)
    return None
