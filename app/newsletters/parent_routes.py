"""The parent's side: the web version of an issue (opening it counts as read), acknowledgement, archive."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.extensions import db
from app.i18n import select_language
from app.newsletters import content, services
from app.newsletters.forms import EmptyForm
from app.newsletters.models import Issue
from app.newsletters.routes import bp
from app.parents import links
from app.parents.routes import parent_required


def archive_for(contact) -> dict | None:
    """The family-page section: issues this contact was sent (None when there are none)."""
    issues = services.received_issues(contact)
    if not issues:
        return None
    language = contact.language
    return {"news": [(i, services.version_for(i, language), services.acknowledged(i, contact.id)) for i in issues]}


@bp.get("/news")
@parent_required(services.PURPOSE)
def opened():
    """Where a newsletter link lands: the issue it was sent for."""
    return redirect(url_for("newsletters.read", issue_id=links.current_parent().scope_id or 0))


def _received_issue(issue_id: int) -> tuple[Issue, object]:
    contact = links.current_parent().contact
    issue = db.session.get(Issue, issue_id)
    if issue is None or issue.setting_id != contact.setting_id or not services.received(issue, contact.id):
        abort(404)
    return issue, contact


@bp.get("/news/<int:issue_id>")
@parent_required(services.PURPOSE, links.FAMILY)
def read(issue_id: int):
    """The web version in the parent's language (approved version, else the default); counts as read."""
    issue, contact = _received_issue(issue_id)
    services.mark_read(issue, contact)
    db.session.commit()
    version = services.version_for(issue, select_language())
    files = [u for u in issue.uploads if not u.is_image]
    return render_template("newsletters/read.html", issue=issue, version=version, files=files,
                           body=Markup(content.to_html(version.body_md)), file_url=content.file_url,
                           ack=services.acknowledged(issue, contact.id), form=EmptyForm(),
                           family=links.current_parent().purpose == links.FAMILY)


@bp.post("/news/<int:issue_id>/ack")
@parent_required(services.PURPOSE, links.FAMILY)
def acknowledge(issue_id: int):
    """'I have read and understood' (recorded once, with the language shown)."""
    issue, contact = _received_issue(issue_id)
    if not issue.requires_ack or not EmptyForm().validate_on_submit():
        abort(400)
    services.acknowledge(issue, contact, select_language())
    db.session.commit()
    flash(_("Thank you. We have recorded that you have read and understood this."), "success")
    return redirect(url_for("newsletters.read", issue_id=issue.id))
