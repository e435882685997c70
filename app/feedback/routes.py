"""Parent-facing feedback: the family page section and form, and the public notice-board form."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from sqlalchemy import select

from app.extensions import db, limiter
from app.feedback import complaints, services
from app.feedback.forms import FeedbackForm, PublicFeedbackForm
from app.feedback.models import FeedbackItem
from app.i18n import select_language
from app.parents import links
from app.parents.routes import parent_required, private
from app.parents.sections import register_section
from app.settings.models import Setting

bp = Blueprint("feedback", __name__, template_folder="templates")
# Floods from one address: a parent rarely needs more than a few messages an hour.
SUBMIT_LIMIT = "10 per hour"
PREFIX = "feedback"  # field ids stay unique on the family page, beside the details form


def family_section(contact) -> dict:
    """The family page's feedback section: the form and this parent's own complaints."""
    mine = db.session.scalars(select(FeedbackItem).where(
        FeedbackItem.contact_id == contact.id, FeedbackItem.is_complaint.is_(True))
        .order_by(FeedbackItem.id)).all()
    return {"feedback_form": FeedbackForm(prefix=PREFIX), "my_complaints": mine}


@bp.record_once
def _register(state) -> None:
    register_section(state.app, "feedback/_family_section.html", family_section, order=80)


def _post_limit_key() -> str:
    from flask_limiter.util import get_remote_address

    return "feedback:" + get_remote_address()


@bp.route("/family/feedback", methods=["GET", "POST"])
@parent_required(links.FAMILY)
@limiter.limit(SUBMIT_LIMIT, methods=["POST"], key_func=_post_limit_key)
def family_feedback():
    """A parent sends feedback from their family page (or the link in a message footer)."""
    contact = links.current_parent().contact
    form = FeedbackForm(prefix=PREFIX)
    if form.validate_on_submit():
        item = services.submit(contact.setting_id, kind=form.kind.data, body=form.body.data, route="family",
                               language=select_language(), contact=contact, anonymous=form.anonymous.data)
        if form.complaint.data:
            complaints.make_complaint(item)
            db.session.commit()
            flash(_("Thank you. Your complaint has been received. Its reference is %(ref)s.",
                    ref=item.reference), "success")
        else:
            db.session.commit()
            flash(_("Thank you. We have received your feedback."), "success")
        return redirect(url_for("parents.family") + "#feedback")
    return render_template("feedback/family_form.html", form=form)


@bp.route("/feedback/<slug>", methods=["GET", "POST"])
@limiter.limit(SUBMIT_LIMIT, methods=["POST"], key_func=_post_limit_key)
def public(slug: str):
    """The public form (QR code on the notice board): an optional name, nothing else asked."""
    setting = db.session.scalar(select(Setting).where(Setting.slug == slug)) if slug.isprintable() else None
    if setting is None:
        abort(404)
    g.setting = setting
    refresh()
    form = PublicFeedbackForm(prefix=PREFIX)
    sent = False
    if form.validate_on_submit():
        services.submit(setting.id, kind=form.kind.data, body=form.body.data, route="public",
                        language=select_language(), given_name=form.given_name.data,
                        anonymous=form.anonymous.data)
        db.session.commit()
        sent = True
        form = PublicFeedbackForm(formdata=None, prefix=PREFIX)
    return private(make_response(render_template("feedback/public.html", form=form, setting=setting, sent=sent)))
