"""The parent's side of a questionnaire: one screen per section, save and continue, submit, thanks."""
from __future__ import annotations

import secrets

from flask import (abort, g, make_response, redirect, render_template, request, session,
                   url_for)
from flask_babel import get_locale
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db, limiter
from app.i18n import language_code
from app.parents import links
from app.parents.routes import private
from app.surveys import answering
from app.surveys.answering import Answerer, Tampered
from app.surveys.models import DRAFT, NAMED, SCHEDULED, Survey, SurveyInvitation
from app.surveys.routes import bp
from app.surveys.services import is_open, record_invitations
from app.surveys.structure import structure_of
from app.surveys.texts import LIKERT, RATING, YESNO, Texts

PUBLIC_RATE = "20 per hour"


@bp.after_app_request
def keep_link_key(response):
    """When a personal link has just been opened, keep the survey edit key its token gives."""
    if request.endpoint == "parents.open_link" and response.status_code == 302:
        parent = g.get("parent_session")
        token = (request.view_args or {}).get("token")
        if parent is not None and token:
            answering.remember_link_key(parent.link.id, token)
    return response


def _page(template: str, status: int = 200, **context):
    return private(make_response(render_template(template, **context), status))


def _answerer(survey_id: int) -> Answerer | None:
    """The answerer of this browser for a survey: a personal-link session, or the public link."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        return None
    public = session.get(answering.PUBLIC, {})
    if str(survey_id) in public and survey.public_key:
        g.setting = survey.setting
        return Answerer(survey, public[str(survey_id)], source="public")
    parent = links.current_parent()
    if parent is None or parent.contact.setting_id != survey.setting_id:
        return None
    if parent.purpose == "survey" and parent.scope_id != survey.id:
        return None
    if parent.purpose not in ("survey", links.FAMILY):
        return None
    key = session.get(answering.KEYS, {}).get(str(parent.link.id))
    if not key:
        return None
    invitation = _invitation(survey, parent.contact.id)
    if invitation is None and survey.message_id:
        record_invitations(survey, survey.message_id)  # the worker sent it before the rows were noted
        invitation = _invitation(survey, parent.contact.id)
    if invitation is None:
        return None
    return Answerer(survey, key, invitation=invitation, contact=parent.contact)


def _invitation(survey: Survey, contact_id: int) -> SurveyInvitation | None:
    return db.session.scalar(select(SurveyInvitation).where(
        SurveyInvitation.survey_id == survey.id, SurveyInvitation.contact_id == contact_id))


SURVEY_REASONS = ("closed", "not_open", "answered", "tampered")


def _problem(reason: str, status: int, **context):
    """The friendly page for a questionnaire that cannot be answered; link problems use the shared page."""
    template = "surveys/problem.html" if reason in SURVEY_REASONS else "parents/link_problem.html"
    return _page(template, status, reason=reason, **context)


def _not_answerable(survey: Survey):
    """The page for a survey that is not open: not yet (with its open date), or no longer."""
    if survey.status in (DRAFT, SCHEDULED) or (survey.opens_at is not None and survey.opens_at > utcnow()):
        return _problem("not_open", 403, opens_at=survey.opens_at)
    return _problem("closed", 410)


@bp.get("/survey")
def landing():
    """Where a survey link lands: the first screen of its survey."""
    parent = links.current_parent()
    if parent is None or parent.purpose != "survey" or parent.scope_id is None:
        return _problem("session", 403)
    return redirect(url_for("surveys.step", survey_id=parent.scope_id, number=1))


@bp.get("/survey/<int:survey_id>")
def start(survey_id: int):
    """The first screen (from the family page)."""
    return redirect(url_for("surveys.step", survey_id=survey_id, number=1))


@bp.get("/s/<public_key>")
@limiter.limit(PUBLIC_RATE)
def public(public_key: str):
    """The anonymous link of a notice board or QR code: start answering without a personal link."""
    survey = db.session.scalar(select(Survey).where(Survey.public_key == public_key)) if len(public_key) < 60 else None
    if survey is None:
        return _problem("unknown", 404)
    g.setting = survey.setting
    if not is_open(survey):
        return _not_answerable(survey)
    keys = dict(session.get(answering.PUBLIC, {}))
    keys.setdefault(str(survey.id), secrets.token_hex(16))
    session[answering.PUBLIC] = keys
    return redirect(url_for("surveys.step", survey_id=survey.id, number=1))


@bp.route("/survey/<int:survey_id>/<int:number>", methods=["GET", "POST"])
def step(survey_id: int, number: int):
    """One section of the survey: answers saved on every 'Continue', so the parent can stop any time."""
    answerer = _answerer(survey_id)
    if answerer is None:
        return _problem("session", 403)
    survey = answerer.survey
    if not is_open(survey):
        return _not_answerable(survey)
    structure = structure_of(survey)
    screens = structure.screens
    if not 1 <= number <= len(screens):
        abort(404)
    response = answering.response_of(answerer)
    if response is None and answerer.invitation is not None and answerer.invitation.responded:
        return _problem("answered", 409)
    values = answering.current_values(response)
    section = screens[number - 1]
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        try:
            posted, errors = answering.parse_screen(section.questions, request.form, values)
        except Tampered:
            db.session.rollback()
            return _problem("tampered", 400)
        if errors:
            values = {**values, **posted}
            status = 422
        else:
            language = language_code(get_locale())
            answering.lock_survey(survey.id)
            response, values = answering.save_screen(answerer, response, section.questions, posted, values,
                                                     language)
            if request.form.get("action") == "back" and number > 1:
                db.session.commit()
                return redirect(url_for("surveys.step", survey_id=survey_id, number=number - 1))
            if request.form.get("action") == "later":
                db.session.commit()
                return _page("surveys/saved.html", survey=survey, texts=Texts(structure, language))
            if number < len(screens):
                db.session.commit()
                return redirect(url_for("surveys.step", survey_id=survey_id, number=number + 1))
            missing = answering.missing_required([q for s in screens for q in s.questions], values)
            if missing:
                db.session.commit()
                first = next(i for i, s in enumerate(screens, 1) if missing[0] in s.questions)
                return redirect(url_for("surveys.step", survey_id=survey_id, number=first))
            if not answering.submit(answerer, response):
                db.session.rollback()
                return _problem("answered", 409)
            db.session.commit()
            return redirect(url_for("surveys.thanks", survey_id=survey_id))
    texts = Texts(structure, language_code(get_locale()))
    return _page("surveys/step.html", status, survey=survey, section=section, number=number,
                 total=len(screens), values=values, errors=errors, texts=texts, likert=LIKERT, yesno=YESNO,
                 rating=RATING, visible=answering.visible, submitted=bool(response and response.submitted),
                 named=survey.mode == NAMED)


@bp.get("/survey/<int:survey_id>/thanks")
def thanks(survey_id: int):
    """Thank-you page; the parent may still change their answers until the survey closes."""
    answerer = _answerer(survey_id)
    if answerer is None:
        return _problem("session", 403)
    survey = answerer.survey
    texts = Texts(structure_of(survey), language_code(get_locale()))
    return _page("surveys/thanks.html", survey=survey, texts=texts, can_edit=is_open(survey),
                 closes_at=survey.closes_at)


def family_section(contact) -> dict | None:
    """The family page's list of open surveys this contact is invited to."""
    rows = db.session.execute(select(Survey, SurveyInvitation.responded).join(
        SurveyInvitation, SurveyInvitation.survey_id == Survey.id).where(
        SurveyInvitation.contact_id == contact.id)).all()
    language = language_code(get_locale())
    items = [(s, responded, Texts(structure_of(s), language)("title")) for s, responded in rows if is_open(s)]
    return {"survey_items": items} if items else None


@bp.record_once
def _register(state) -> None:
    from app.parents.sections import register_section

    from app.surveys.workshop_evaluation import register

    links.register_purpose(state.app, "survey", "surveys.landing")
    register(state.app)
    register_section(state.app, "surveys/_family_section.html", family_section, order=20)

