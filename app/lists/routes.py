"""Staff pages: saved lists of contacts (create, rename, add and remove contacts, delete)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.families.forms import language_choices
from app.families.models import Room
from app.i18n import _s
from app.lists import services
from app.lists.forms import EmptyForm, ListForm, MembersForm
from app.lists.models import SavedList
from app.security import MANAGER, PICO, owned_or_404, role_required

bp = Blueprint("lists", __name__, template_folder="templates")
STAFF = (MANAGER, PICO)


def _list(list_id: int) -> SavedList:
    return owned_or_404(db.session.get(SavedList, list_id))


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/lists")
@role_required(*STAFF)
def index():
    """The setting's saved lists."""
    rows = [(s, len(services.member_ids(s))) for s in services.lists_for(current_user.setting_id)]
    return render_template("lists/index.html", rows=rows)


@bp.route("/lists/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    """Name a new list; contacts are added on the next page."""
    form = ListForm()
    if form.validate_on_submit():
        saved = SavedList(setting_id=current_user.setting_id, name=form.name.data.strip(),
                          description=(form.description.data or "").strip())
        db.session.add(saved)
        db.session.flush()
        record(saved.setting_id, "saved_list.create", saved, actor=current_user, name=saved.name)
        db.session.commit()
        return redirect(url_for("lists.show", list_id=saved.id))
    return render_template("lists/form.html", form=form, saved=None)


@bp.get("/lists/<int:list_id>")
@role_required(*STAFF)
def show(list_id: int):
    """The list's contacts, and a search of the setting's contacts to add from."""
    saved = _list(list_id)
    setting_id = current_user.setting_id
    rooms = db.session.scalars(select(Room).where(Room.setting_id == setting_id).order_by(Room.name)).all()
    room_id, language, text = _int_arg("room"), request.args.get("language") or None, request.args.get("q", "")
    searched = "room" in request.args or "language" in request.args or "q" in request.args
    in_list = services.member_ids(saved)
    found = [c for c in services.search_contacts(setting_id, room_id, language, text) if c.id not in in_list] \
        if searched else []
    return render_template("lists/show.html", saved=saved, members=services.members(saved), found=found,
                           searched=searched, rooms=rooms, language_options=language_choices(), room_id=room_id,
                           language=language, text=text, form=MembersForm(), button=EmptyForm())


@bp.route("/lists/<int:list_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(list_id: int):
    """Rename the list or change its description."""
    saved = _list(list_id)
    form = ListForm(obj=saved)
    if form.validate_on_submit():
        saved.name = form.name.data.strip()
        saved.description = (form.description.data or "").strip()
        record(saved.setting_id, "saved_list.rename", saved, actor=current_user, name=saved.name)
        db.session.commit()
        return redirect(url_for("lists.show", list_id=saved.id))
    return render_template("lists/form.html", form=form, saved=saved)


@bp.post("/lists/<int:list_id>/add")
@role_required(*STAFF)
def add(list_id: int):
    """Add the ticked contacts."""
    saved = _list(list_id)
    form = MembersForm()
    if not form.validate_on_submit() or not form.contacts.data:
        flash(_s("Tick at least one contact to add."), "error")
        return redirect(url_for("lists.show", list_id=saved.id))
    added = services.add_contacts(saved, form.contacts.data)
    record(saved.setting_id, "saved_list.add", saved, actor=current_user, added=added)
    db.session.commit()
    flash(_s("%(n)d contacts added.", n=added), "success")
    return redirect(url_for("lists.show", list_id=saved.id))


@bp.post("/lists/<int:list_id>/remove")
@role_required(*STAFF)
def remove(list_id: int):
    """Take the ticked contacts off the list."""
    saved = _list(list_id)
    form = MembersForm()
    if not form.validate_on_submit() or not form.contacts.data:
        flash(_s("Tick at least one contact to remove."), "error")
        return redirect(url_for("lists.show", list_id=saved.id))
    services.remove_contacts(saved, form.contacts.data)
    record(saved.setting_id, "saved_list.remove", saved, actor=current_user, removed=len(form.contacts.data))
    db.session.commit()
    flash(_s("Contacts removed from the list."), "success")
    return redirect(url_for("lists.show", list_id=saved.id))


@bp.post("/lists/<int:list_id>/delete")
@role_required(*STAFF)
def delete(list_id: int):
    """Delete the list (the contacts themselves are not touched)."""
    saved = _list(list_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("lists.show", list_id=saved.id))
    record(saved.setting_id, "saved_list.delete", saved, actor=current_user, name=saved.name)
    db.session.delete(saved)
    db.session.commit()
    flash(_s("The list was deleted."), "success")
    return redirect(url_for("lists.index"))
