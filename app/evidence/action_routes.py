"""Staff pages of the action plan: the list with progress, create, change, delete (all audited)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from app.audit.services import record
from app.evidence import actions as services
from app.evidence.action_forms import STATUS_LABELS, ActionForm, ButtonForm
from app.evidence.models import Action
from app.evidence.routes import bp
from app.extensions import db
from app.families.services import local_today
from app.i18n import _s
from app.security import MANAGER, PICO, owned_or_404, role_required

STAFF = (MANAGER, PICO)


def _action(action_id: int) -> Action:
    return owned_or_404(db.session.get(Action, action_id))


@bp.get("/actions")
@role_required(*STAFF)
def actions():
    """The action plan: progress (n of m done, overdue), then each action."""
    status = request.args.get("status")
    status = status if status in STATUS_LABELS else None
    today = local_today(g.setting)
    every = services.actions_for(current_user.setting_id)
    shown = [a for a in every if status is None or a.status == status]
    return render_template("evidence/actions.html", actions=shown, progress=services.progress(every, today),
                           today=today, status=status, status_labels=STATUS_LABELS, labels=services.link_labels)


def _form_page(form: ActionForm, action: Action | None):
    return render_template("evidence/action_form.html", form=form, action=action, button=ButtonForm())


@bp.route("/actions/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_action():
    """Plan an action; families ticked on the not-engaged list arrive as ?family=<child id>."""
    today = local_today(g.setting)
    preset = [int(v) for v in request.args.getlist("family") if v.isdigit()]
    form = ActionForm(data={"families": preset, "owner_id": current_user.id} if request.method == "GET" else None)
    services.fill_choices(form, current_user.setting_id, today)
    offered = {c[0] for c in form.families.choices}
    if request.method == "GET":
        form.families.data = [i for i in preset if i in offered]
    form.earliest = today  # a new action is not due in the past
    if form.validate_on_submit():
        action = Action(setting_id=current_user.setting_id)
        services.save(action, form, current_user, today)
        db.session.commit()
        flash(_s("The action is in the plan."), "success")
        return redirect(url_for("evidence.actions"))
    return _form_page(form, None)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_action(action_id: int):
    """Change an action: status, outcome, date, owner, what it is for."""
    action = _action(action_id)
    today = local_today(g.setting)
    form = ActionForm(data=services.form_data(action) if request.method == "GET" else None)
    services.fill_choices(form, current_user.setting_id, today, keep=services.form_data(action)["families"])
    if form.validate_on_submit():
        services.save(action, form, current_user, today)
        db.session.commit()
        flash(_s("The action is saved."), "success")
        return redirect(url_for("evidence.actions"))
    return _form_page(form, action)


@bp.post("/actions/<int:action_id>/delete")
@role_required(*STAFF)
def delete_action(action_id: int):
    """Remove an action made by mistake (the audit log keeps what it was)."""
    action = _action(action_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    record(action.setting_id, "action.delete", action, actor=current_user, what=action.what[:200],
           status=action.status)
    db.session.delete(action)
    db.session.commit()
    flash(_s("The action was deleted."), "success")
    return redirect(url_for("evidence.actions"))
