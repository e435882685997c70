"""The parent's side: personal links and the family page. No account, no password."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.extensions import db, limiter
from app.parents import links
from app.parents.forms import DetailsForm
from app.parents.services import apply_details

bp = Blueprint("parents", __name__, template_folder="templates")


def _link_limit() -> str:
    return current_app.config["LINK_RATE_LIMIT"]


def parent_required(purpose: str):
    """Decorator: the browser must hold a current parent session for `purpose`."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            parent = links.current_parent()
            if parent is None or parent.purpose != purpose:
                return render_template("parents/link_problem.html", reason="session"), 403
            return view(*args, **kwargs)

        return wrapped

    return decorate


@bp.get("/l/<token>")
@limiter.limit(_link_limit)
def open_link(token: str):
    """Exchange a personal link for a short session, then go to a clean URL."""
    try:
        link = links.open_link(token)
    except links.LinkError as exc:
        if exc.contact is not None:
            g.parent_contact = exc.contact
            g.setting = exc.contact.setting
        response = current_app.make_response(
            (render_template("parents/link_problem.html", reason=exc.reason), 410 if exc.contact else 404)
        )
    else:
        db.session.commit()
        response = redirect(url_for(DESTINATIONS.get(link.purpose, "parents.family")))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


DESTINATIONS = {links.FAMILY: "parents.family"}


@bp.route("/family", methods=["GET", "POST"])
@parent_required(links.FAMILY)
def family():
    """The family page: the parent's own details, language and channels."""
    contact = links.current_parent().contact
    form = DetailsForm(obj=contact)
    if form.validate_on_submit():
        if apply_details(contact, form):
            db.session.commit()
            session.pop("lang", None)  # show the page in the language just saved
            flash(_("Thank you. Your details are saved."), "success")
            return redirect(url_for("parents.family"))
    elif request.method == "POST" and form.csrf_token.errors:
        flash(_("This page was open too long. Please check your details and save again."), "error")
    return render_template("parents/family.html", contact=contact, form=form)
