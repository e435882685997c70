"""The parent's side: personal links and the family page. No account, no password."""
from __future__ import annotations

from functools import wraps

from flask import (Blueprint, Response, flash, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import refresh

from app.extensions import csrf, db, limiter, link_limit
from app.parents import links
from app.parents.forms import DetailsForm
from app.parents.sections import sections_for
from app.parents.services import apply_details, children_of, mobile_example

bp = Blueprint("parents", __name__, template_folder="templates")
bp.record_once(lambda state: links.register_purpose(state.app, links.FAMILY, "parents.family"))


def private(response: Response) -> Response:
    """Parent pages and the link exchange: never cached, never leak the URL in a Referer."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


bp.after_request(private)


def link_problem(reason: str, status: int):
    """The friendly page for a link or visit that cannot be used (in the parent's language when known)."""
    return render_template("parents/link_problem.html", reason=reason), status


def parent_required(*allowed: str):
    """Decorator: the browser must hold a current parent session opened by a link of one of the
    `allowed` purposes.

    Views of other features reuse it: `@parent_required("survey")` refuses a family link, and
    the family page refuses a survey link. A feature page that a parent may also reach from their
    family page says so: `@parent_required("survey", links.FAMILY)`, and then checks that what is
    asked for belongs to `links.current_parent().contact`. Responses carry the private-page headers
    wherever the view lives.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            parent = links.current_parent()
            if parent is None or parent.purpose not in allowed:
                return private(make_response(link_problem("session", 403)))
            return private(make_response(view(*args, **kwargs)))

        return wrapped

    return decorate


@bp.get("/l/<path:token>")
@limiter.limit(link_limit)
def open_link(token: str):
    """Exchange a personal link for a short session, then go to a clean URL."""
    try:
        link = links.open_link(token)
    except links.LinkError as exc:
        if exc.contact is None:
            return link_problem("unknown", 404)
        g.parent_language = exc.contact.language  # the page in the contact's own language
        g.setting = exc.contact.setting
        refresh()
        return link_problem(exc.reason, 410)
    db.session.commit()
    return redirect(links.landing_url(link.purpose))


@bp.route("/family", methods=["GET", "POST"])
@parent_required(links.FAMILY)
def family():
    """The family page: greeting, the children's first names and the parent's own details."""
    contact = links.current_parent().contact
    form = DetailsForm(obj=contact)
    example = mobile_example(contact.setting.phone_region)
    if request.method == "GET":
        form.show(contact)
    elif form.validate_on_submit() and apply_details(contact, form, example):
        db.session.commit()
        session.pop("lang", None)  # show the page in the language just saved
        g.parent_language = contact.language
        refresh()
        flash(_("Thank you. Your details are saved."), "success")
        return redirect(url_for("parents.family"))
    return render_template("parents/family.html", contact=contact, children=children_of(contact),
                           form=form, mobile_example=example, sections=sections_for(contact))


@bp.post("/family/leave")
@csrf.exempt  # ending a session is harmless, and must work even after the form's session has gone
def leave():
    """End the parent session on this device (for a shared phone or computer)."""
    links.end_session()
    return link_problem("left", 200)
