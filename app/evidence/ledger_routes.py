"""Staff pages: a family's engagement ledger, named questionnaire answers, and the families not fully engaged."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.evidence import engagement, ledger
from app.evidence.action_forms import ButtonForm
from app.evidence.routes import bp
from app.evidence.terms import Term, recent_terms
from app.extensions import db
from app.families.access import get_child, is_key_person_of
from app.families.forms import language_choices
from app.families.models import ChildContact, Contact, Room
from app.families.services import local_today
from app.i18n import _s
from app.lists.models import SavedList
from app.lists.services import add_contacts
from app.security import KEY_PERSON, MANAGER, PICO, owned_or_404, role_required
from app.surveys.models import NAMED, Survey, SurveyAnswer, SurveyResponse

STAFF = (MANAGER, PICO)
TERMS_SHOWN = 6


def _term_key(term: Term) -> str:
    return f"{term.season}-{term.year}"


def _chosen_term() -> tuple[Term, list[Term]]:
    """The term named by ?term=autumn-2026 among the recent ones, else the current term."""
    terms = recent_terms(local_today(g.setting), TERMS_SHOWN)
    wanted = request.values.get("term")
    return next((t for t in terms if _term_key(t) == wanted), terms[-1]), terms


def _bounds(term: Term):
    return engagement.bounds(term.start, term.end, g.setting.timezone)


def can_see_ledger(child) -> bool:
    """Managers and the PICO see every family's ledger; a key person their own key children's."""
    return current_user.role in STAFF or is_key_person_of(child)


@bp.get("/families/<int:child_id>")
@role_required(MANAGER, PICO, KEY_PERSON)
def family_ledger(child_id: int):
    """One family's timeline over a term, and its engagement level with the rules beside it."""
    child = get_child(child_id)
    if not can_see_ledger(child):
        abort(403)
    term, terms = _chosen_term()
    start, end = _bounds(term)
    contacts = ledger.family_contacts(child)
    events = ledger.timeline(child, contacts, start, end, g.setting.default_language)
    # Each event says which kind of taking part it is: the family's kinds are those of its events, the same
    # records the list of families counts with engagement.KINDS (tests hold the two to the same answers).
    counted = {e.kind for e in events} & set(engagement.KIND_LABELS)
    on_roll = not child.has_left(local_today(g.setting))
    return render_template(
        "evidence/ledger.html", child=child, term=term, terms=terms, term_key=_term_key, counted=counted,
        level=engagement.level_for(len(counted)) if on_roll else None, events=events, contacts=contacts,
        kinds=engagement.KINDS,  # the labels as text once, not once for each event that shows one:
        kind_labels={code: str(label) for code, label in engagement.KIND_LABELS.items()},
        level_labels=engagement.LEVEL_LABELS, rules=engagement.rules())


@bp.get("/families/<int:child_id>/questionnaires/<int:survey_id>/<int:contact_id>")
@role_required(MANAGER, PICO, KEY_PERSON)
def named_answers(child_id: int, survey_id: int, contact_id: int):
    """A family member's answers to a NAMED questionnaire (confidential ones have no such page)."""
    child = get_child(child_id)
    survey = owned_or_404(db.session.get(Survey, survey_id))
    if not can_see_ledger(child):
        abort(403)
    linked = db.session.scalar(select(ChildContact.id).where(ChildContact.child_id == child.id,
                                                             ChildContact.contact_id == contact_id))
    response = db.session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.contact_id == contact_id,
        SurveyResponse.submitted.is_(True))) if linked and survey.mode == NAMED else None
    if response is None:
        abort(404)
    answers: dict[int, list[str]] = {}
    options = {o.id: o.text for q in survey.questions for o in q.options}
    for answer in db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.response_id == response.id)):
        answers.setdefault(answer.question_id, []).append(
            options.get(answer.option_id, "") if answer.option_id else (answer.value or ""))
    return render_template("evidence/named_answers.html", child=child, survey=survey,
                           contact=db.session.get(Contact, contact_id), answers=answers)


# Families not fully engaged ---------------------------------------------------------------------

def _filters() -> dict:
    """The list's filters from the query string or the posted form (unknown values are ignored)."""
    values = request.values

    def number(name):
        value = values.get(name, "")
        return int(value) if value.isdigit() else None

    levels = [v for v in values.getlist("level") if v in engagement.LEVEL_LABELS]
    language = values.get("language") or None
    return {"room": number("room"), "key_person": number("key_person"),
            "language": language if language in current_app.config["LANGUAGES"] else None,
            "level": levels if "level" in values or values.get("filtered") else list(engagement.NOT_FULLY_ENGAGED)}


def _query_string(term: Term, filters: dict) -> str:
    pairs = [("term", _term_key(term)), ("filtered", "1")]
    pairs += [(k, filters[k]) for k in ("room", "key_person", "language") if filters[k]]
    pairs += [("level", level) for level in filters["level"]]
    return urlencode(pairs)


@bp.get("/not-engaged")
@role_required(*STAFF)
def not_engaged():
    """Families filtered by room, language, key person and level (none and low unless chosen otherwise)."""
    term, terms = _chosen_term()
    start, end = _bounds(term)
    filters = _filters()
    setting_id = current_user.setting_id
    rows = engagement.families(setting_id, start, end, local_today(g.setting), room_id=filters["room"],
                               key_person_id=filters["key_person"], language=filters["language"],
                               levels=filters["level"] or None)
    languages: dict[int, set[str]] = {}
    if rows:
        for child_id, code in db.session.execute(
                select(ChildContact.child_id, Contact.language).join(Contact, Contact.id == ChildContact.contact_id)
                .where(ChildContact.child_id.in_([r.child.id for r in rows]))):
            languages.setdefault(child_id, set()).add(code)
    return render_template(
        "evidence/not_engaged.html", rows=rows, term=term, terms=terms, term_key=_term_key, filters=filters,
        rooms=db.session.scalars(select(Room).where(Room.setting_id == setting_id).order_by(Room.name)).all(),
        key_persons=db.session.scalars(select(User).where(User.setting_id == setting_id, User.role == KEY_PERSON)
                                       .order_by(User.name)).all(),
        language_options=language_choices(), all_languages=current_app.config["LANGUAGES"], family_languages=languages,
        level_labels=engagement.LEVEL_LABELS, kinds=engagement.KINDS, rules=engagement.rules(),
        form=ButtonForm())


def _ticked(term: Term, filters: dict):
    """The ticked families that are on the filtered list (ids from another setting or list are dropped)."""
    start, end = _bounds(term)
    wanted = [int(v) for v in request.form.getlist("family") if v.isdigit()]
    if not wanted:
        return []
    return engagement.families(current_user.setting_id, start, end, local_today(g.setting), child_ids=wanted,
                               room_id=filters["room"], key_person_id=filters["key_person"],
                               language=filters["language"], levels=filters["level"] or None)


def _ticked_families():
    """(term, rows) of the families ticked on the list, or (term, None) and a page back to the list
    saying so when none is."""
    term, _ = _chosen_term()
    filters = _filters()
    rows = _ticked(term, filters) if ButtonForm().validate_on_submit() else []
    if rows:
        return term, rows, None
    flash(_s("Tick at least one family."), "error")
    return term, None, redirect(url_for("evidence.not_engaged") + "?" + _query_string(term, filters))


@bp.post("/not-engaged/message")
@role_required(*STAFF)
def message_not_engaged():
    """Save the ticked families' contacts as a list, then open a newsletter or notice to that list."""
    term, rows, back = _ticked_families()
    if back:
        return back
    contact_ids = list(db.session.scalars(
        select(ChildContact.contact_id).join(Contact, Contact.id == ChildContact.contact_id)
        .where(ChildContact.child_id.in_([r.child.id for r in rows]), Contact.restricted.is_(False))))
    today = local_today(g.setting)
    saved = SavedList(setting_id=current_user.setting_id,
                      name=_s("Not fully engaged, %(term)s (%(day)s)", term=term.label, day=today.strftime("%d/%m/%Y")),
                      description=_s("%(n)d families chosen on the list of families not fully engaged.", n=len(rows)))
    db.session.add(saved)
    db.session.flush()
    added = add_contacts(saved, contact_ids)
    record(saved.setting_id, "saved_list.create", saved, actor=current_user, name=saved.name, added=added,
           source="not_engaged", families=len(rows))
    db.session.commit()
    flash(_s("The %(contacts)d contacts of %(families)d families are saved as the list “%(name)s”. "
             "Write the message below; it goes to that list.", contacts=added, families=len(rows), name=saved.name),
          "success")
    return redirect(url_for("newsletters.new", saved_list=saved.id))


@bp.post("/not-engaged/plan")
@role_required(*STAFF)
def plan_for_not_engaged():
    """Open a new action with the ticked families already linked."""
    _term, rows, back = _ticked_families()
    if back:
        return back
    return redirect(url_for("evidence.new_action", family=[r.child.id for r in rows]))
