"""Builder editing pages: change, move and delete questions and sections."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from app.extensions import db
from app.security import role_required
from app.surveys import editing
from app.surveys.forms import KIND_NAMES, QuestionEditForm, SectionEditForm
from app.surveys.models import SurveyQuestion, SurveySection
from app.surveys.routes import STAFF, _survey, bp


def _question(survey_id: int, question_id: int) -> SurveyQuestion:
    survey = _survey(survey_id)
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _section(survey_id: int, section_id: int) -> SurveySection:
    survey = _survey(survey_id)
    section = db.session.get(SurveySection, section_id)
    if section is None or section.survey_id != survey.id:
        abort(404)
    return section


def _back(survey_id: int, error: str | None):
    if error:
        flash(error, "error")
    else:
        db.session.commit()
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_question(survey_id: int, question_id: int):
    """Change a question; once invitations have gone, only its wording."""
    question = _question(survey_id, question_id)
    locked = editing.structure_locked(question.survey)
    form = QuestionEditForm()
    if request.method == "GET":
        form.text.data, form.required.data = question.text, question.required
        form.options.data = "\n".join(o.text for o in question.options)
        form.low.data, form.high.data = question.low_label, question.high_label
        form.min_value.data, form.max_value.data = question.min_value, question.max_value
    elif form.validate():
        error = editing.update_question(question, form.text.data, form.required.data,
                                        (form.options.data or "").splitlines(), form.low.data or "",
                                        form.high.data or "", form.min_value.data, form.max_value.data)
        if error is None:
            db.session.commit()
            return redirect(url_for("surveys.edit", survey_id=survey_id))
        form.options.errors.append(error)
    return render_template("surveys/question.html", survey=question.survey, question=question, form=form,
                           locked=locked, kind_names=KIND_NAMES)


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/move")
@role_required(*STAFF)
def move_question(survey_id: int, question_id: int):
    """Move a question up or down within its section (before sending)."""
    question = _question(survey_id, question_id)
    return _back(survey_id, editing.move_question(question, request.form.get("direction") == "up"))


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/delete")
@role_required(*STAFF)
def delete_question(survey_id: int, question_id: int):
    """Delete a question (only before sending)."""
    return _back(survey_id, editing.delete_question(_question(survey_id, question_id)))


@bp.post("/surveys/<int:survey_id>/sections/<int:section_id>")
@role_required(*STAFF)
def rename_section(survey_id: int, section_id: int):
    """Correct a section's title."""
    section = _section(survey_id, section_id)
    form = SectionEditForm()
    if not form.validate():
        return _back(survey_id, "; ".join(e for errors in form.errors.values() for e in errors))
    editing.rename_section(section, form.section_title.data or "")
    return _back(survey_id, None)


@bp.post("/surveys/<int:survey_id>/sections/<int:section_id>/move")
@role_required(*STAFF)
def move_section(survey_id: int, section_id: int):
    """Move a section up or down (before sending)."""
    section = _section(survey_id, section_id)
    return _back(survey_id, editing.move_section(section, request.form.get("direction") == "up"))


@bp.post("/surveys/<int:survey_id>/sections/<int:section_id>/delete")
@role_required(*STAFF)
def delete_section(survey_id: int, section_id: int):
    """Delete a section and its questions (only before sending)."""
    return _back(survey_id, editing.delete_section(_section(survey_id, section_id)))
