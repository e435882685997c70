"""Staff pages for contacts: details, links to children, "no legal access", family links."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.families import services
from app.families.access import (can_edit_contact, can_edit_link, child_scope, contact_scope, get_child,
                                 get_contact, get_editable_contact, is_key_person_of, visible_links)
from app.families.contact_details import InvalidDetail, display_mobile, normalise_mobile
from app.families.forms import (CHANNEL_LABELS, ContactForm, LinkForm, NewLinkForm, RestrictForm, UnrestrictForm,
                                language_choices)
from app.families.models import Child, ChildContact, Contact
from app.families.routes import bp
from app.i18n import _s
from app.security import KEY_PERSON, MANAGER, PICO, role_required, sees_whole_setting


@bp.get("/contacts")
@login_required
def contacts():
    """Contacts the user may see, searchable by name, email or phone (07700 900123 finds +447700900123)."""
    q = request.args.get("q", "").strip()[:100]
    stmt = (contact_scope(select(Contact)).order_by(Contact.first_name, Contact.last_name, Contact.id)
            .options(selectinload(Contact.links).selectinload(ChildContact.child)))
    if q:
        like = f"%{q}%"
        full = Contact.first_name + " " + Contact.last_name
        conditions = [Contact.first_name.ilike(like), Contact.last_name.ilike(like), full.ilike(like),
                      Contact.email.ilike(like), Contact.mobile.ilike(like)]
        try:
            conditions.append(Contact.mobile == normalise_mobile(q, g.setting.phone_region or "GB"))
        except InvalidDetail:
            pass
        stmt = stmt.where(or_(*conditions))
    found = db.session.scalars(stmt).all()
    return render_template("families/contacts.html", contacts=found, q=q, visible_links=visible_links,
                           can_add=sees_whole_setting())


@bp.get("/contacts/<int:contact_id>")
@login_required
def contact(contact_id: int):
    """One contact with the children the user may see."""
    return _contact_page(get_contact(contact_id))


def _contact_page(contact: Contact, family_link: str | None = None) -> str:
    shown = visible_links(contact)
    return render_template("families/contact.html", contact=contact, links=shown,
                           hidden_links=len(contact.links) - len(shown), can_edit=can_edit_contact(contact),
                           can_edit_link=can_edit_link, family_link=family_link,
                           sees_reason=sees_whole_setting(), channel_labels=CHANNEL_LABELS,
                           language_labels=dict(language_choices()))


@bp.route("/contacts/new", methods=["GET", "POST"])
@role_required(MANAGER, PICO, KEY_PERSON)
def new_contact():
    """Add a contact; from a child's page they are linked to that child (key persons: their key children)."""
    child_id = request.args.get("child", type=int)
    child = get_child(child_id) if child_id else None
    if not sees_whole_setting() and (child is None or not is_key_person_of(child)):
        abort(403)
    form = ContactForm()
    if form.validate_on_submit():
        contact = services.save_contact(g.setting, form, child=child)
        if contact is not None:
            db.session.commit()
            if child is not None:
                link = contact.links[0]
                flash(_s("Added %(name)s. Now check how they are related to %(child)s.", name=contact.full_name,
                         child=child.first_name), "success")
                return redirect(url_for("families.edit_link", contact_id=contact.id, link_id=link.id))
            flash(_s("Added %(name)s.", name=contact.full_name), "success")
            return redirect(url_for("families.contact", contact_id=contact.id))
    return render_template("families/contact_form.html", form=form, contact=None, child=child)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(contact_id: int):
    """Change a contact's details, language, channels and consents."""
    contact = get_editable_contact(contact_id)
    form = ContactForm(obj=contact)
    if request.method == "GET":
        form.mobile.data = display_mobile(contact.mobile) or None
    if form.validate_on_submit():
        if services.save_contact(g.setting, form, contact) is not None:
            db.session.commit()
            flash(_s("Saved %(name)s.", name=contact.full_name), "success")
            return redirect(url_for("families.contact", contact_id=contact.id))
    return render_template("families/contact_form.html", form=form, contact=contact, child=None)


# Links to children ------------------------------------------------------------------------------

def _get_link(contact: Contact, link_id: int) -> ChildContact:
    """One of the contact's links, or 404; 403 unless the user may change it."""
    link = db.session.get(ChildContact, link_id)
    if link is None or link.contact_id != contact.id:
        abort(404)
    if not can_edit_link(link):
        abort(403)
    return link


def _linkable_children(contact: Contact) -> list[Child]:
    """Children this user may link the contact to: visible, theirs to change, not linked yet."""
    stmt = child_scope(select(Child)).order_by(Child.first_name, Child.last_name, Child.id)
    if not sees_whole_setting():
        stmt = stmt.where(Child.key_person_id == current_user.id)
    linked = {link.child_id for link in contact.links}
    return [c for c in db.session.scalars(stmt) if c.id not in linked]


@bp.route("/contacts/<int:contact_id>/links/new", methods=["GET", "POST"])
@login_required
def new_link(contact_id: int):
    """Link the contact to another child (a brother or sister, say)."""
    contact = get_editable_contact(contact_id)
    form = NewLinkForm()
    today = services.local_today(g.setting)
    form.child_id.choices = [
        (c.id, c.full_name + (f" ({c.room.name})" if c.room else "") + (f" - {_s('left')}" if c.has_left(today) else ""))
        for c in _linkable_children(contact)
    ]
    if form.validate_on_submit():
        child = get_child(form.child_id.data)
        services.add_link(contact, child, services.link_values(form))
        db.session.commit()
        flash(_s("Linked %(contact)s to %(child)s.", contact=contact.full_name, child=child.full_name), "success")
        return redirect(url_for("families.contact", contact_id=contact.id))
    return render_template("families/link_form.html", form=form, contact=contact, link=None)


@bp.route("/contacts/<int:contact_id>/links/<int:link_id>", methods=["GET", "POST"])
@login_required
def edit_link(contact_id: int, link_id: int):
    """Change relationship, parental responsibility, priority and collection for one child."""
    contact = get_editable_contact(contact_id)
    link = _get_link(contact, link_id)
    form = LinkForm(obj=link)
    if form.validate_on_submit():
        services.update_link(link, services.link_values(form))
        db.session.commit()
        flash(_s("Saved how %(contact)s is linked to %(child)s.", contact=contact.full_name,
                 child=link.child.full_name), "success")
        return redirect(url_for("families.contact", contact_id=contact.id))
    return render_template("families/link_form.html", form=form, contact=contact, link=link)


@bp.post("/contacts/<int:contact_id>/links/<int:link_id>/delete")
@login_required
def delete_link(contact_id: int, link_id: int):
    """Unlink the contact from one child."""
    contact = get_editable_contact(contact_id)
    link = _get_link(contact, link_id)
    child_name = link.child.full_name
    services.unlink(link)
    db.session.commit()
    flash(_s("%(contact)s is no longer linked to %(child)s.", contact=contact.full_name, child=child_name),
          "success")
    if sees_whole_setting() or visible_links(contact):
        return redirect(url_for("families.contact", contact_id=contact.id))
    return redirect(url_for("families.contacts"))


# "No legal access / do not contact" -------------------------------------------------------------

@bp.route("/contacts/<int:contact_id>/restrict", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def restrict(contact_id: int):
    """Flag the contact "no legal access / do not contact", with a reason."""
    contact = get_contact(contact_id)
    if contact.restricted:
        return redirect(url_for("families.contact", contact_id=contact.id))
    form = RestrictForm()
    if form.validate_on_submit():
        services.restrict(contact, form.reason.data, current_user)
        db.session.commit()
        flash(_s("%(name)s is now marked: no legal access, do not contact. Their links no longer work.",
                 name=contact.full_name), "success")
        return redirect(url_for("families.contact", contact_id=contact.id))
    return render_template("families/restrict_form.html", form=form, contact=contact, lifting=False)


@bp.route("/contacts/<int:contact_id>/unrestrict", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def unrestrict(contact_id: int):
    """Lift the flag, with a note saying why."""
    contact = get_contact(contact_id)
    if not contact.restricted:
        return redirect(url_for("families.contact", contact_id=contact.id))
    form = UnrestrictForm()
    if form.validate_on_submit():
        services.unrestrict(contact, form.note.data, current_user)
        db.session.commit()
        flash(_s("The restriction on %(name)s is lifted.", name=contact.full_name), "success")
        return redirect(url_for("families.contact", contact_id=contact.id))
    return render_template("families/restrict_form.html", form=form, contact=contact, lifting=True)


# Family links -----------------------------------------------------------------------------------

@bp.post("/contacts/<int:contact_id>/family-link")
@login_required
def issue_family_link(contact_id: int):
    """Issue a family link and show it once, so staff can give it to the parent."""
    contact = get_editable_contact(contact_id)
    if contact.restricted:
        flash(_s("No links can be issued to a contact marked no legal access."), "error")
        return redirect(url_for("families.contact", contact_id=contact.id))
    url = services.issue_family_link(contact)
    db.session.commit()
    return _contact_page(contact, family_link=url)


@bp.post("/contacts/<int:contact_id>/revoke-links")
@login_required
def revoke_links(contact_id: int):
    """Stop every personal link of this contact from working."""
    contact = get_editable_contact(contact_id)
    services.revoke_family_links(contact)
    db.session.commit()
    flash(_s("Every link sent to %(name)s has stopped working.", name=contact.full_name), "success")
    return redirect(url_for("families.contact", contact_id=contact.id))
