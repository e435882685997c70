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
from app.settings.models import Setting
from app.surveys import answering, page
from app.surveys.answering import Answerer, Tampered
from app.surveys.models import DRAFT, NAMED, SCHEDULED, Survey, SurveyInvitation
from app.surveys.routes import bp
from app.surveys.services import is_open
from app.surveys.structure import structure_of, texts_of
from app.surveys.texts import LIKERT, RATING, YESNO

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
    """A page rendered whole: what the layout shows of the parent session is loaded first."""
    links.current_parent()
    return private(make_response(render_template(template, **context), status))


def _answerer(survey_id: int) -> Answerer | None:
    """The answerer of this browser for a survey; the page's language and setting come from them."""
    answerer = answering.find_answerer(survey_id)
    if answerer is not None and answerer.source == "public":
        links.current_parent()
        g.setting = db.session.get(Setting, answerer.survey.setting_id)
    elif answerer is not None:
        g.parent_language = answerer.language
    return answerer


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
@links.checks_own_link
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
    draft = answerer.draft
    if draft is None and answerer.invitation is not None and answerer.invitation.responded:
        return _problem("answered", 409)
    values = draft.values if draft else {}
    section = screens[number - 1]
    language = language_code(get_locale())
    texts = texts_of(structure, language)
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
            return _save(answerer, structure, number, posted, values, texts)
    context = dict(survey=survey, section=section, number=number, total=len(screens), errors=errors,
                   texts=texts, likert=LIKERT, yesno=YESNO, rating=RATING, named=survey.mode == NAMED,
                   submitted=bool(draft and draft.submitted),
                   visible=lambda question: answering.visible(question, values))
    if errors or answerer.source == "public" or request.query_string or "_flashes" in session:
        return _page("surveys/step.html", status, **context, **page.helpers(values))
    key = (structure.id, structure.revision, language, number, context["submitted"], answerer.footer,
           tuple(answering.visible(q, values) for q in section.questions))
    pieces = page.kept(key)
    if pieces is None:
        links.current_parent()
        pieces = page.keep(key, "surveys/step.html", **context)
    return private(make_response(page.fill(pieces, values)))


def _save(answerer: Answerer, structure, number: int, posted: dict, values: dict, texts):
    """Store a screen's answers (and send them, after the last screen), then go where the parent
    asked: back, finish later, on to the next screen, or to a required question still unanswered."""
    survey, screens = answerer.survey, structure.screens
    action = request.form.get("action")
    back = action == "back" and number > 1
    with answering.writing(survey.id):
        draft, values = answering.save_screen(answerer, answerer.draft, screens[number - 1].questions, posted,
                                              values, texts.language)
        missing = answering.missing_required(structure.questions, values)
        if not back and action != "later" and number == len(screens) and not missing:
            if not answering.submit(answerer, draft):
                db.session.rollback()
                return _problem("answered", 409)
        db.session.commit()
    if back:
        return redirect(url_for("surveys.step", survey_id=survey.id, number=number - 1))
    if action == "later":
        return _page("surveys/saved.html", survey=survey, texts=texts)
    if number < len(screens):
        return redirect(url_for("surveys.step", survey_id=survey.id, number=number + 1))
    if missing:
        first = next(i for i, s in enumerate(screens, 1) if missing[0] in s.questions)
        return redirect(url_for("surveys.step", survey_id=survey.id, number=first))
    return redirect(url_for("surveys.thanks", survey_id=survey.id))


@bp.get("/survey/<int:survey_id>/thanks")
def thanks(survey_id: int):
    """Thank-you page; the parent may still change their answers until the survey closes."""
    answerer = _answerer(survey_id)
    if answerer is None:
        return _problem("session", 403)
    survey = answerer.survey
    texts = texts_of(structure_of(survey), language_code(get_locale()))
    return _page("surveys/thanks.html", survey=survey, texts=texts, can_edit=is_open(survey),
                 closes_at=survey.closes_at)


def family_section(contact) -> dict | None:
    """The family page's list of open surveys this contact is invited to."""
    rows = db.session.execute(select(Survey, SurveyInvitation.responded).join(
        SurveyInvitation, SurveyInvitation.survey_id == Survey.id).where(
        SurveyInvitation.contact_id == contact.id)).all()
    language = language_code(get_locale())
    items = [(s, responded, texts_of(structure_of(s), language)("title")) for s, responded in rows if is_open(s)]
    return {"survey_items": items} if items else None


@bp.record_once
def _register(state) -> None:
    from app.parents.sections import register_section

    from app.surveys.workshop_evaluation import register

    links.register_purpose(state.app, "survey", "surveys.landing")
    register(state.app)
    register_section(state.app, "surveys/_family_section.html", family_section, order=20)

