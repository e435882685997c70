"""Staff pages for rooms, children and contacts."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from app.extensions import db
from app.families.access import child_scope, contact_scope, get_child, get_contact
from app.families.models import Child, Contact, Room
from app.security import MANAGER, PICO, role_required

bp = Blueprint("families", __name__, template_folder="templates")


@bp.get("/children")
@login_required
def children():
    """Children the user may see, searchable by name."""
    q = request.args.get("q", "").strip()[:100]
    stmt = child_scope(select(Child)).order_by(Child.first_name, Child.last_name)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Child.first_name.ilike(like), Child.last_name.ilike(like)))
    return render_template("families/children.html", children=db.session.scalars(stmt).all(), q=q)


@bp.get("/children/<int:child_id>")
@login_required
def child(child_id: int):
    """One child with their contacts."""
    return render_template("families/child.html", child=get_child(child_id))


@bp.get("/contacts")
@login_required
def contacts():
    """Contacts the user may see, searchable by name, email or phone."""
    q = request.args.get("q", "").strip()[:100]
    stmt = contact_scope(select(Contact)).order_by(Contact.first_name, Contact.last_name)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Contact.first_name.ilike(like), Contact.last_name.ilike(like),
                              Contact.email.ilike(like), Contact.mobile.ilike(like)))
    return render_template("families/contacts.html", contacts=db.session.scalars(stmt).all(), q=q)


@bp.get("/contacts/<int:contact_id>")
@login_required
def contact(contact_id: int):
    """One contact with their children."""
    return render_template("families/contact.html", contact=get_contact(contact_id))


@bp.get("/rooms")
@role_required(MANAGER, PICO)
def rooms():
    """Rooms of the setting."""
    rooms = db.session.scalars(select(Room).where(Room.setting_id == current_user.setting_id).order_by(Room.name))
    return render_template("families/rooms.html", rooms=rooms.all())
