"""Home time: the practitioner's phone screen, one alert's live screen, its incident record."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.alerts import escalation, services
from app.alerts import home_time as home_time_list
from app.alerts.models import MARK_LABELS, STATUS_LABELS, STEP_LABELS, Alert
from app.clock import utcnow
from app.extensions import db
from app.families.access import get_child
from app.families.models import ChildContact
from app.families.sessions import SESSION_LABELS
from app.i18n import _s
from app.messaging.labels import code_label
from app.security import KEY_PERSON, MANAGER, PICO, PRACTITIONER, owned_or_404, role_required

bp = Blueprint("alerts", __name__, url_prefix="/alerts", template_folder="templates")
STAFF = (MANAGER, PICO, KEY_PERSON, PRACTITIONER)


@bp.record_once
def _hook(state) -> None:
    from app.messaging.inbound import INBOUND_HOOKS

    if services.attach_inbound not in INBOUND_HOOKS:
        INBOUND_HOOKS.append(services.attach_inbound)
    filters = state.app.jinja_env.filters  # {{ alert.status|alert_status }}, {{ event.kind|alert_step }}
    filters["alert_status"] = partial(code_label, STATUS_LABELS)
    filters["alert_step"] = partial(code_label, STEP_LABELS)


def _alert(alert_id: int) -> Alert:
    """The alert, or 404 (another setting) / 403 (a child the user may not see)."""
    alert = owned_or_404(db.session.get(Alert, alert_id))
    get_child(alert.child_id)
    return alert


@bp.get("/home-time")
@role_required(*STAFF)
def home_time():
    """The children still here this session (user's room and key group), each with 'Not collected'."""
    setting = current_user.setting
    screen = home_time_list.home_time(current_user, setting, services.options_for(setting),
                                      request.args.get("session"))
    db.session.commit()  # the options row, made on first use
    return render_template("alerts/home_time.html", screen=screen, show_all=request.args.get("all") == "1",
                           session_labels=SESSION_LABELS, mark_labels=MARK_LABELS)


@bp.post("/home-time/<int:child_id>/mark")
@role_required(*STAFF)
def mark(child_id: int):
    """Mark a child collected or absent today: off the list (undo below the list)."""
    child = get_child(child_id)
    kind = request.form.get("kind")
    if kind not in MARK_LABELS:
        abort(400)
    home_time_list.set_mark(child, kind, current_user)
    db.session.commit()
    flash(_s("%(name)s: %(mark)s.", name=child.full_name, mark=MARK_LABELS[kind]), "success")
    return redirect(url_for("alerts.home_time", session=request.form.get("session") or None))


@bp.post("/home-time/<int:child_id>/unmark")
@role_required(*STAFF)
def unmark(child_id: int):
    """Undo today's mark: the child is back on the list."""
    child = get_child(child_id)
    if home_time_list.clear_mark(child):
        flash(_s("%(name)s is back on the list.", name=child.full_name), "success")
    db.session.commit()
    return redirect(url_for("alerts.home_time", session=request.form.get("session") or None))


@bp.route("/raise/<int:child_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def raise_alert(child_id: int):
    """GET: confirm (sends nothing). POST: raise the alert once and start sending."""
    child = get_child(child_id)
    existing = services.open_alert_for(child)
    if existing:
        return redirect(url_for("alerts.show", alert_id=existing.id))
    if request.method == "GET":
        return render_template("alerts/confirm.html", child=child,
                               groups=services.waves(child), left=child.has_left())
    try:
        alert, ids = services.raise_alert(child, current_user)
    except services.AlertRefused:
        return render_template("alerts/confirm.html", child=child, groups=[], left=True), 409
    services.dispatch(ids)
    return redirect(url_for("alerts.show", alert_id=alert.id))


def _screen(alert: Alert, template: str, **extra):
    options = services.options_for(alert.child.setting)
    return render_template(template, alert=alert, state=escalation.screen_state(alert), options=options,
                           replies=services.replies(alert), collectors=services.collector_links(alert.child),
                           **extra)


@bp.get("/<int:alert_id>")
@role_required(*STAFF)
def show(alert_id: int):
    """The alert's live screen: who was told, their replies, what to do next."""
    return _screen(_alert(alert_id), "alerts/show.html")


@bp.get("/<int:alert_id>/live")
@role_required(*STAFF)
def live(alert_id: int):
    """The changing part of the screen, fetched every few seconds by the page's small script."""
    return _screen(_alert(alert_id), "alerts/_live.html")


@bp.post("/<int:alert_id>/on-way")
@role_required(*STAFF)
def on_way(alert_id: int):
    """Mark that someone is on their way (stops the next texts)."""
    alert = _alert(alert_id)
    services.mark_on_way(alert, current_user, request.form.get("who", "")[:200])
    db.session.commit()
    return redirect(url_for("alerts.show", alert_id=alert.id))


@bp.post("/<int:alert_id>/collected")
@role_required(*STAFF)
def collected(alert_id: int):
    """Record who collected the child: an authorised adult, or someone else who gave the password."""
    alert = _alert(alert_id)
    choice = request.form.get("collector", "")
    link = None
    if choice.isdigit():
        link = db.session.get(ChildContact, int(choice))
        if link is None or link.child_id != alert.child_id:
            abort(404)
    error = services.mark_collected(alert, current_user, link, request.form.get("other_name", "")[:200],
                                    password_given=request.form.get("password_given") == "yes")
    if error:
        db.session.rollback()
        messages = {"no_name": _s("Write the name of the person collecting."),
                    "not_allowed": _s("This person may not collect the child."),
                    "needs_password": _s("This person is not on the authorised list. Check the collection "
                                         "password with them, then tick to confirm.")}
        return _screen(alert, "alerts/show.html", error=messages[error], chosen=choice,
                       other_name=request.form.get("other_name", "")), 422
    db.session.commit()
    flash(_s("%(name)s is recorded as collected.", name=alert.child.first_name), "success")
    return redirect(url_for("alerts.show", alert_id=alert.id))


@bp.post("/<int:alert_id>/cancel")
@role_required(*STAFF)
def cancel(alert_id: int):
    """Close the alert without a collection (raised in error)."""
    alert = _alert(alert_id)
    services.mark_cancelled(alert, current_user, request.form.get("reason", "")[:500])
    db.session.commit()
    return redirect(url_for("alerts.show", alert_id=alert.id))


@bp.get("/<int:alert_id>/record")
@role_required(*STAFF)
def record(alert_id: int):
    """The printable incident record: every step with its time and who."""
    alert = _alert(alert_id)
    return render_template("alerts/record.html", alert=alert, deliveries=escalation.deliveries(alert), now=utcnow())


@bp.get("/child/<int:child_id>")
@role_required(*STAFF)
def child_alerts(child_id: int):
    """Every late-collection record kept for one child."""
    child = get_child(child_id)
    alerts = db.session.scalars(select(Alert).where(Alert.child_id == child.id)
                                .order_by(Alert.raised_at.desc())).all()
    return render_template("alerts/child.html", child=child, alerts=alerts)
