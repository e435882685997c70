"""Staff pages of home learning (library, versions, weekly digest, tries) and the parent's digest page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.activities import services
from app.activities.forms import ActivityForm, ActivityVersionForm, DigestForm, DigestVersionForm, TriedForm
from app.activities.models import Activity, ActivityVersion, Digest, DigestVersion
from app.extensions import db
from app.families.models import Room
from app.i18n import _s, select_language
from app.messaging import outbox
from app.newsletters.content import UploadError, file_url, save_upload
from app.families.forms import language_choices
from app.newsletters.forms import STATE_LABELS, EmptyForm, TranslateForm
from app.newsletters.translate import translator
from app.parents import links
from app.parents.routes import parent_required
from app.security import MANAGER, PICO, KEY_PERSON, owned_or_404, role_required
from app.versioned import machine_translate, version_row

bp = Blueprint("activities", __name__, template_folder="templates")
STAFF = (MANAGER, PICO, KEY_PERSON)
bp.record_once(lambda state: links.register_purpose(state.app, services.PURPOSE, "activities.opened"))


def _rooms() -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.setting_id == current_user.setting_id).order_by(Room.name)))


@bp.route("/activities", methods=["GET", "POST"])
@role_required(*STAFF)
def library():
    """The activity library, and a form to add one."""
    form = ActivityForm()
    if form.validate_on_submit():
        activity = Activity(setting_id=current_user.setting_id, areas=form.areas.data, age_band=form.age_band.data)
        if form.picture.data:
            try:
                activity.picture = save_upload(current_user.setting_id, None, form.picture.data.filename,
                                               form.picture.data.read(6 * 1024 * 1024), images_only=True)
            except UploadError as exc:
                form.picture.errors.append(_s("That file is too big (up to 5 MB).") if exc.reason == "size"
                                           else _s("Use a PNG, JPEG or GIF picture."))
        if not form.picture.errors:
            db.session.add(activity)
            db.session.commit()
            return redirect(url_for("activities.version", activity_id=activity.id,
                                    language=current_user.setting.default_language))
    activities = db.session.scalars(select(Activity).where(Activity.setting_id == current_user.setting_id)
                                    .order_by(Activity.id.desc())).all()
    return render_template("activities/library.html", form=form, activities=activities, areas=services.AREAS,
                           bands=services.AGE_BANDS, default=current_user.setting.default_language,
                           languages=current_app.config["LANGUAGES"])


@bp.route("/activities/<int:activity_id>/versions/<language>", methods=["GET", "POST"])
@role_required(*STAFF)
def version(activity_id: int, language: str):
    """Write or review an activity in one language."""
    activity = owned_or_404(db.session.get(Activity, activity_id))
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    existing = activity.version(language)
    form = ActivityVersionForm(obj=existing)
    if form.validate_on_submit():
        form.populate_obj(version_row(activity, language, ActivityVersion))
        db.session.commit()
        flash(_s("Saved."), "success")
        return redirect(url_for("activities.library"))
    default = current_user.setting.default_language
    return render_template("activities/version.html", form=form, activity=activity, language=language,
                           languages=current_app.config["LANGUAGES"], version=existing,
                           can_translate=translator() is not None and language != default
                           and activity.version(default) is not None, button=EmptyForm())


@bp.post("/activities/<int:activity_id>/translate/<language>")
@role_required(*STAFF)
def translate(activity_id: int, language: str):
    """A machine translation of the default version as a first draft ("needs review")."""
    activity = owned_or_404(db.session.get(Activity, activity_id))
    if language not in current_app.config["LANGUAGES"] or not EmptyForm().validate_on_submit():
        abort(404)
    if machine_translate(activity, current_user.setting.default_language, language,
                         {"title": 200, "what_you_need": None, "what_to_do": None, "why_it_helps": None},
                         ActivityVersion):
        db.session.commit()
    return redirect(url_for("activities.version", activity_id=activity.id, language=language))


@bp.route("/activities/digest", methods=["GET", "POST"])
@role_required(*STAFF)
def digest():
    """Send "This week's learning" to a room's families by email and text."""
    form = DigestForm()
    form.room.choices = [(r.id, r.name) for r in _rooms()]
    default = current_user.setting.default_language
    choices = []
    for a in db.session.scalars(select(Activity).where(Activity.setting_id == current_user.setting_id)
                                .order_by(Activity.id.desc())):
        v = a.version(default)
        if v is not None and v.status == "approved":
            choices.append((a.id, v.title))
    form.activities.choices = choices
    if form.validate_on_submit():
        reasons = services.problems(current_user.setting, form.room.data, form.activities.data)
        if not reasons:
            room = owned_or_404(db.session.get(Room, form.room.data))
            found = services.create_digest(current_user.setting, room, form.explored.data, form.activities.data)
            db.session.commit()
            return redirect(url_for("activities.digest_show", digest_id=found.id))
        form.activities.errors = list(form.activities.errors) + reasons
    return render_template("activities/digest.html", form=form)


def _digest(digest_id: int) -> Digest:
    return owned_or_404(db.session.get(Digest, digest_id))


def _draft_or_redirect(found: Digest):
    if found.message_id:
        flash(_s("This digest has been sent: it can no longer be changed."), "error")
        return redirect(url_for("activities.digest_show", digest_id=found.id))
    return None


@bp.get("/activities/digests/<int:digest_id>")
@role_required(*STAFF)
def digest_show(digest_id: int):
    """A digest before sending: languages needed (families), its texts' versions, SMS costs, send."""
    found = _digest(digest_id)
    needs = outbox.language_counts(found.setting_id, {"rooms": [found.room_id]})
    translate_form = TranslateForm()
    translate_form.language.choices = [c for c in language_choices() if c[0] != found.setting.default_language]
    return render_template(
        "activities/digest_show.html", digest=found, activities=services.activities_of(found), needs=needs,
        families=services.family_needs(found), languages=current_app.config["LANGUAGES"],
        problems=[] if found.message_id else services.digest_problems(found), state_labels=STATE_LABELS,
        sms_costs=services.sms_costs(found, needs), translate_form=translate_form, button=EmptyForm(),
        can_translate=translator() is not None and not found.message_id)


@bp.route("/activities/digests/<int:digest_id>/versions/<language>", methods=["GET", "POST"])
@role_required(*STAFF)
def digest_version(digest_id: int, language: str):
    """Write or review what the children explored in one language."""
    found = _digest(digest_id)
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    if (stop := _draft_or_redirect(found)) is not None:
        return stop
    form = DigestVersionForm(obj=found.version(language))
    if form.validate_on_submit():
        form.populate_obj(version_row(found, language, DigestVersion))
        db.session.commit()
        flash(_s("Saved."), "success")
        return redirect(url_for("activities.digest_show", digest_id=found.id))
    return render_template("activities/digest_version.html", form=form, digest=found, language=language,
                           languages=current_app.config["LANGUAGES"], version=found.version(language))


@bp.post("/activities/digests/<int:digest_id>/translate")
@role_required(*STAFF)
def digest_translate(digest_id: int):
    """A machine translation of what the children explored, as a first draft ("needs review")."""
    found = _digest(digest_id)
    if (stop := _draft_or_redirect(found)) is not None:
        return stop
    form = TranslateForm()
    form.language.choices = language_choices()
    if not form.validate_on_submit() or not machine_translate(
            found, found.setting.default_language, form.language.data, {"explored": None}, DigestVersion):
        return redirect(url_for("activities.digest_show", digest_id=found.id))
    db.session.commit()
    return redirect(url_for("activities.digest_version", digest_id=found.id, language=form.language.data))


@bp.post("/activities/digests/<int:digest_id>/send")
@role_required(*STAFF)
def digest_send(digest_id: int):
    """Send the digest now to the room's families by email and text."""
    found = _digest(digest_id)
    if (stop := _draft_or_redirect(found)) is not None:
        return stop
    if not EmptyForm().validate_on_submit():
        abort(400)
    reasons = services.digest_problems(found)
    if reasons:
        for reason in reasons:
            flash(reason, "error")
        return redirect(url_for("activities.digest_show", digest_id=found.id))
    services.send_digest(found, current_user)
    flash(_s("Sending this week's learning to %(room)s.", room=found.room.name), "success")
    return redirect(url_for("activities.tries"))


@bp.get("/activities/tries")
@role_required(*STAFF)
def tries():
    """Which activities families tried, per room and area of learning."""
    counts = services.tries_by_room_and_area(current_user.setting_id)
    rooms = sorted({room for room, _area in counts})
    notes = services.recent_notes(current_user.setting_id, current_user.setting.default_language)
    return render_template("activities/tries.html", counts=counts, rooms=rooms, areas=services.AREAS, notes=notes)


# --- parents ---------------------------------------------------------------------------------------

@bp.get("/home-learning")
@parent_required(services.PURPOSE)
def opened():
    """Where a digest link lands."""
    return redirect(url_for("activities.week", digest_id=links.current_parent().scope_id or 0))


def _received_digest(digest_id: int):
    contact = links.current_parent().contact
    found = db.session.get(Digest, digest_id)
    if found is None or found.setting_id != contact.setting_id or not services.received(found, contact.id):
        abort(404)
    return found, contact


@bp.get("/home-learning/<int:digest_id>")
@parent_required(services.PURPOSE, links.FAMILY)
def week(digest_id: int):
    """This week's learning in the parent's language, with "We tried it" for each activity."""
    found, contact = _received_digest(digest_id)
    language, default = select_language(), contact.setting.default_language
    activities = services.activities_of(found)
    items = [(a, services.version_for(a, language, default)) for a in activities]
    forms = {a.id: TriedForm(prefix=f"a{a.id}") for a in activities}
    return render_template("activities/week.html", digest=found, items=items, forms=forms,
                           explored=found.approved_or_default(language, default).explored,
                           tried=services.tried(contact.id, [a.id for a in activities]),
                           areas=services.AREAS, file_url=file_url)


@bp.post("/home-learning/<int:digest_id>/<int:activity_id>")
@parent_required(services.PURPOSE, links.FAMILY)
def tried(digest_id: int, activity_id: int):
    """Record "We tried it" (once per contact per activity)."""
    found, contact = _received_digest(digest_id)
    if activity_id not in (found.activity_ids or []):
        abort(404)
    form = TriedForm(prefix=f"a{activity_id}")
    if not form.validate_on_submit():
        abort(400)
    services.record_try(found, db.session.get(Activity, activity_id), contact, form.note.data or "")
    db.session.commit()
    flash(_("Thank you for telling us!"), "success")
    return redirect(url_for("activities.week", digest_id=found.id))
