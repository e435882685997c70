"""Staff pages for rooms and children (contacts are in contacts_routes.py, on the same blueprint)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.extensions import db
from app.families import services, sessions
from app.families.access import can_edit_child, child_scope, get_child, is_key_person_of
from app.families.forms import ChildForm, RoomForm
from app.families.models import Child, Room
from app.i18n import _s
from app.security import MANAGER, PICO, ROLES, owned_or_404, role_required, sees_whole_setting

bp = Blueprint("families", __name__, template_folder="templates")

ROLL_FILTERS = ("on_roll", "left", "all")


# Children ---------------------------------------------------------------------------------------

@bp.get("/children")
@login_required
def children():
    """Children the user may see, searchable by name, on roll / left / all."""
    q = request.args.get("q", "").strip()[:100]
    roll = request.args.get("roll", "on_roll")
    if roll not in ROLL_FILTERS:
        roll = "on_roll"
    today = services.local_today(g.setting)
    stmt = (child_scope(select(Child)).order_by(Child.first_name, Child.last_name, Child.id)
            .options(selectinload(Child.room), selectinload(Child.key_person)))
    if q:
        like = f"%{q}%"
        full = Child.first_name + " " + Child.last_name
        stmt = stmt.where(or_(Child.first_name.ilike(like), Child.last_name.ilike(like), full.ilike(like),
                              Child.external_id == q))
    if roll == "on_roll":
        stmt = stmt.where(or_(Child.leaving_date.is_(None), Child.leaving_date >= today))
    elif roll == "left":
        stmt = stmt.where(Child.leaving_date < today)
    return render_template("families/children.html", children=db.session.scalars(stmt).all(), q=q, roll=roll,
                           today=today, can_add=can_edit_child())


@bp.get("/children/<int:child_id>")
@login_required
def child(child_id: int):
    """One child with their contacts."""
    child = get_child(child_id)
    return render_template("families/child.html", child=child, today=services.local_today(g.setting),
                           describe_sessions=sessions.describe,
                           can_edit=can_edit_child(),
                           can_add_contact=sees_whole_setting() or is_key_person_of(child))


@bp.route("/children/new", methods=["GET", "POST"])
@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def edit_child(child_id: int | None = None):
    """Add a child, or change a child's record (managers and PICOs)."""
    child = get_child(child_id) if child_id else None
    form = ChildForm(obj=child)
    form.room_id.choices = [(0, _s("No room"))] + [(r.id, r.name) for r in _rooms()]
    form.key_person_id.choices = [(0, _s("None yet"))] + _staff_choices(child)
    if request.method == "GET" and child is not None:
        form.room_id.data = child.room_id or 0
        form.key_person_id.data = child.key_person_id or 0
        for field in form.session_fields():
            field.data = (child.session_pattern or {}).get(field.name.removeprefix("session_"), "")
    if form.validate_on_submit():
        saved = services.save_child(g.setting, form, child)
        if saved is not None:
            db.session.commit()
            flash(_s("Saved %(name)s.", name=saved.full_name), "success")
            return redirect(url_for("families.child", child_id=saved.id))
    return render_template("families/child_form.html", form=form, child=child)


def _rooms() -> list[Room]:
    stmt = select(Room).where(Room.setting_id == current_user.setting_id).order_by(Room.name)
    return list(db.session.scalars(stmt))


def _staff_choices(child: Child | None) -> list[tuple[int, str]]:
    """Active staff of this setting (and the current key person, even if no longer active)."""
    keep = child.key_person_id if child is not None else None
    stmt = (select(User).where(User.setting_id == current_user.setting_id, or_(User.active.is_(True), User.id == keep))
            .order_by(User.name))
    return [(u.id, f"{u.name} ({ROLES[u.role]})") for u in db.session.scalars(stmt)]


# Rooms ------------------------------------------------------------------------------------------

@bp.route("/rooms", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def rooms():
    """Rooms of the setting, and a form to add one."""
    form = RoomForm()
    if form.validate_on_submit():
        room = services.save_room(current_user.setting_id, form)
        if room is not None:
            db.session.commit()
            flash(_s("Added the room %(name)s.", name=room.name), "success")
            return redirect(url_for("families.rooms"))
    counts = dict(db.session.execute(
        select(Child.room_id, func.count(Child.id)).where(Child.setting_id == current_user.setting_id)
        .group_by(Child.room_id)
    ).all())
    return render_template("families/rooms.html", rooms=_rooms(), form=form, counts=counts)


@bp.route("/rooms/<int:room_id>", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def edit_room(room_id: int):
    """Rename a room."""
    room = owned_or_404(db.session.get(Room, room_id))
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        if services.save_room(current_user.setting_id, form, room) is not None:
            db.session.commit()
            flash(_s("Saved the room %(name)s.", name=room.name), "success")
            return redirect(url_for("families.rooms"))
    return render_template("families/room_form.html", form=form, room=room)


from app.families import contacts_routes  # noqa: E402,F401  (registers the contact pages on bp)
