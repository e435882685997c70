"""Staff pages of questionnaires: list, builder, translations, sending, results and exports."""
from __future__ import annotations

from datetime import timezone

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.i18n import _s
from app.messaging import audience_form
from app.security import MANAGER, PICO, owned_or_404, role_required
from app.surveys import editing, results, services
from app.surveys.forms import KIND_NAMES, STATUS_NAMES, QuestionForm, SectionForm, SurveyForm, TextForm
from app.surveys.models import CHOICE_KINDS, DRAFT, OPEN, SCHEDULED, TEXT_STATUSES, Survey, SurveySection
from app.surveys.templates_library import LIBRARY
from app.surveys.texts import keys_of

bp = Blueprint("surveys", __name__, template_folder="templates")
STAFF = (MANAGER, PICO)


def _survey(survey_id: int) -> Survey:
    return owned_or_404(db.session.get(Survey, survey_id))


@bp.get("/surveys")
@role_required(*STAFF)
def index():
    """The setting's surveys and the ready-made templates."""
    rows = db.session.scalars(select(Survey).where(Survey.setting_id == current_user.setting_id)
                              .order_by(Survey.id.desc())).all()
    return render_template("surveys/index.html", surveys=rows, library=LIBRARY, form=SectionForm())


@bp.post("/surveys/new")
@role_required(*STAFF)
def new():
    """A blank survey, or one made from a template."""
    template = request.form.get("template", "")
    if template in LIBRARY:
        survey = services.from_template(current_user.setting, template)
    else:
        survey = services.create_survey(current_user.setting, _s("Untitled questionnaire"))
        services.add_section(survey, "")
    db.session.commit()
    return redirect(url_for("surveys.edit", survey_id=survey.id))


def _question_form(survey: Survey) -> QuestionForm:
    form = QuestionForm(prefix="q")
    form.section.choices = [(s.id, s.title or _s("Section %(n)s", n=i)) for i, s in enumerate(survey.sections, 1)]
    form.show_if.choices = [(0, _s("Always show"))] + [(q.id, q.text[:60]) for q in survey.questions]
    return form


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(survey_id: int):
    """The builder: settings, sections and questions."""
    survey = _survey(survey_id)
    form = (SurveyForm(obj=survey, data=audience_form.form_data(survey.audience)) if request.method == "GET"
            else SurveyForm())
    audience_form.fill_choices(form, current_user.setting_id)
    qform, sform = _question_form(survey), SectionForm(prefix="s")
    if request.method == "GET":
        form.opens_at.data = survey.opens_at.replace(tzinfo=None) if survey.opens_at else None
        form.closes_at.data = survey.closes_at.replace(tzinfo=None) if survey.closes_at else None
    elif request.form.get("what") == "settings" and form.validate():
        if form.opens_at.data and form.closes_at.data and form.closes_at.data <= form.opens_at.data:
            form.closes_at.errors.append(_s("The close date must be after the open date."))
        else:
            services.mark_changed(survey, "title", form.title.data)
            services.mark_changed(survey, "intro", form.intro.data or "")
            survey.title, survey.intro, survey.mode = form.title.data, form.intro.data or "", form.mode.data
            survey.opens_at = form.opens_at.data.replace(tzinfo=timezone.utc) if form.opens_at.data else None
            survey.closes_at = form.closes_at.data.replace(tzinfo=timezone.utc) if form.closes_at.data else None
            survey.reminder_days, survey.channels = form.reminder_days.data or "", form.channels.data
            survey.audience = audience_form.stored(form)
            db.session.commit()
            flash(_s("Saved."), "success")
            return redirect(url_for("surveys.edit", survey_id=survey.id))
    elif request.form.get("what") == "section" and sform.validate():
        services.add_section(survey, sform.section_title.data or "")
        db.session.commit()
        return redirect(url_for("surveys.edit", survey_id=survey.id))
    elif request.form.get("what") == "question" and qform.validate():
        error = _add_question(survey, qform)
        if error is None:
            db.session.commit()
            return redirect(url_for("surveys.edit", survey_id=survey.id))
        qform.text.errors.append(error)
    return render_template("surveys/edit.html", survey=survey, form=form, qform=qform, sform=sform,
                           kind_names=KIND_NAMES, languages=current_app.config["LANGUAGES"],
                           missing=services.missing_translations, locked=editing.structure_locked(survey),
                           now=utcnow())


def _add_question(survey: Survey, qform: QuestionForm) -> str | None:
    """Add the question of the form; an error message when the form does not make sense."""
    section = db.session.get(SurveySection, qform.section.data)
    if section is None or section.survey_id != survey.id:
        return _s("Choose a section.")
    options = [o for o in (qform.options.data or "").splitlines() if o.strip()]
    if qform.kind.data in CHOICE_KINDS and len(options) < 2:
        return _s("A choice question needs at least two choices, one per line.")
    show_if = None
    if qform.show_if.data:
        trigger = next((q for q in survey.questions if q.id == qform.show_if.data), None)
        if trigger is None or not qform.show_if_value.data:
            return _s("Say which answer shows this question.")
        value = qform.show_if_value.data.strip()
        if trigger.options:
            match = next((o for o in trigger.options if o.text.lower() == value.lower()), None)
            if match is None:
                return _s("That answer is not one of the choices of the earlier question.")
            value = str(match.id)
        show_if = (trigger, value)
    services.add_question(section, qform.kind.data, qform.text.data, qform.required.data, options,
                          low=qform.low.data or "", high=qform.high.data or "", min_value=qform.min_value.data,
                          max_value=qform.max_value.data, show_if=show_if)
    return None


@bp.route("/surveys/<int:survey_id>/translate/<language>", methods=["GET", "POST"])
@role_required(*STAFF)
def translate(survey_id: int, language: str):
    """Write or review every text of the survey in one language (draft, needs review, approved)."""
    from app.surveys.texts import set_text

    survey = _survey(survey_id)
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    form = TextForm()
    keys = keys_of(survey)
    if request.method == "POST" and form.validate():
        for key, _source in keys:
            text = request.form.get(f"text-{key}", "")[:4000]
            status = request.form.get(f"status-{key}", "draft")
            if status not in TEXT_STATUSES:
                status = "draft"
            if text.strip():
                set_text(survey, key, language, text, status)
        db.session.commit()
        flash(_s("Saved."), "success")
        return redirect(url_for("surveys.translate", survey_id=survey.id, language=language))
    existing = {t.key: t for t in survey.texts if t.language == language}
    return render_template("surveys/translate.html", survey=survey, language=language, keys=keys,
                           existing=existing, form=form, statuses=STATUS_NAMES,
                           language_name=current_app.config["LANGUAGES"][language])


@bp.post("/surveys/<int:survey_id>/send")
@role_required(*STAFF)
def send(survey_id: int):
    """Send the invitations at the open date (by the scheduler), or now when asked or already open."""
    survey = _survey(survey_id)
    now = request.form.get("when") == "now"
    if survey.status not in (DRAFT, SCHEDULED) or not survey.questions or (survey.status == SCHEDULED and not now):
        flash(_s("Only a draft survey with questions can be sent."), "error")
    elif services.schedule_or_open(survey, current_user, now=now):
        flash(_s("Invitations are being sent."), "success")
    else:
        flash(_s("The survey will open and the invitations go out on %(when)s (UTC).",
                 when=survey.opens_at.strftime("%d/%m/%Y %H:%M")), "success")
    return redirect(url_for("surveys.edit", survey_id=survey.id))


@bp.post("/surveys/<int:survey_id>/unschedule")
@role_required(*STAFF)
def unschedule(survey_id: int):
    """Back to draft: the invitations will not go out at the open date."""
    survey = _survey(survey_id)
    if services.unschedule(survey):
        flash(_s("The survey is a draft again; nothing was sent."), "success")
    return redirect(url_for("surveys.edit", survey_id=survey.id))


@bp.post("/surveys/<int:survey_id>/close")
@role_required(*STAFF)
def close(survey_id: int):
    """Close the survey now."""
    survey = _survey(survey_id)
    if survey.status == OPEN:
        survey.status = "closed"
        db.session.commit()
    return redirect(url_for("surveys.results_page", survey_id=survey.id))


@bp.post("/surveys/<int:survey_id>/public")
@role_required(*STAFF)
def public_link(survey_id: int):
    """Give the survey an anonymous link for a notice board."""
    survey = _survey(survey_id)
    services.enable_public_link(survey)
    db.session.commit()
    return redirect(url_for("surveys.edit", survey_id=survey.id))


@bp.get("/surveys/<int:survey_id>/results")
@role_required(*STAFF)
def results_page(survey_id: int):
    """Response rates, charts with counts, free text; filters only for groups of five or more."""
    survey = _survey(survey_id)
    if survey.message_id:
        services.record_invitations(survey, survey.message_id)  # the worker may have expanded it since
    room, language = results.allowed_filter(survey, request.args.get("room"), request.args.get("lang"))
    return render_template("surveys/results.html", survey=survey, rates=results.rates(survey),
                           items=results.question_results(survey, room, language),
                           filters=results.filters(survey), room=room, language=language,
                           languages=current_app.config["LANGUAGES"])


@bp.get("/surveys/<int:survey_id>/export.<fmt>")
@role_required(*STAFF)
def export(survey_id: int, fmt: str):
    """All submitted responses as CSV or XLSX (no names in confidential mode)."""
    survey = _survey(survey_id)
    rows = results.export_rows(survey)
    name = f"survey-{survey.id}"
    if fmt == "csv":
        return Response(results.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})
    if fmt == "xlsx":
        return Response(results.to_xlsx(rows),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f"attachment; filename={name}.xlsx"})
    abort(404)


from app.surveys import parent_routes  # noqa: E402,F401  (the parent pages live on this blueprint)


from app.surveys import edit_routes  # noqa: E402,F401  (registers the editing views on bp)
