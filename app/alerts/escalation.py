"""Timers of open alerts, run by the scheduler: next contacts, the time limit, email when texts fail."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.alerts.models import ACTIVE, ESCALATED, FALLBACK, LIMIT, OPEN, REPLY, SENT, Alert
from app.alerts import texts
from app.alerts.services import add_step, options_for, reach, send_wave, template_values, waves
from app.clock import utcnow
from app.extensions import db
from app.messaging.models import FAILED, QUEUED, UNDELIVERED, URGENT, Delivery
from app.messaging.services import create_message

FAILED_STATES = (FAILED, UNDELIVERED)


def text_failing(d: Delivery) -> bool:
    """A text that failed, or is being retried after an error from Twilio."""
    return d.channel == "sms" and (d.status in FAILED_STATES or (d.status == QUEUED and bool(d.error)))


def alert_message_ids(alert: Alert) -> list[int]:
    """Ids of every message sent for the alert."""
    return [e.message_id for e in alert.events if e.message_id and e.kind in (SENT, ESCALATED, FALLBACK)]


def deliveries(alert: Alert) -> list[Delivery]:
    """Every delivery row of the alert's messages, oldest first."""
    ids = alert_message_ids(alert)
    if not ids:
        return []
    return list(db.session.scalars(select(Delivery).where(Delivery.message_id.in_(ids)).order_by(Delivery.id)))


def _email_fallback(alert: Alert) -> list[int]:
    """Email the contacts whose text failed and who have not been emailed in this alert."""
    rows = deliveries(alert)
    emailed = {d.contact_id for d in rows if d.channel == "email"}
    failed = {d.contact_id for d in rows if text_failing(d)}
    links = [link for group in waves(alert.child) for link in group
             if link.contact_id in failed - emailed and reach(link).email]
    if not links:
        return []
    options = options_for(alert.child.setting)
    message = create_message(alert.child.setting, category="alert", channels="email", urgency=URGENT,
                             audience={"contacts": [link.contact_id for link in links]},
                             versions=texts.alert_versions(options.templates, template_values(alert, options)),
                             audience_label=f"Late collection: {alert.child.first_name}")
    names = ", ".join(link.contact.full_name for link in links)
    add_step(alert, FALLBACK, None, f"text failed, emailed instead: {names}", message_id=message.id)
    return [message.id]


def tick_alert(alert: Alert) -> list[int]:
    """Apply one alert's timers now; returns message ids to send."""
    now = utcnow()
    options = options_for(alert.child.setting)
    ids = _email_fallback(alert)
    if alert.limit_reached_at is None and now >= alert.raised_at + timedelta(minutes=options.limit_minutes):
        alert.limit_reached_at = now
        add_step(alert, LIMIT, None, f"{options.limit_minutes} minutes passed: the non-collection procedure applies")
    heard = any(e.kind == REPLY for e in alert.events)
    due = alert.last_wave_at is None or now >= alert.last_wave_at + timedelta(minutes=options.escalate_minutes)
    if alert.status == OPEN and not heard and due and alert.wave < len(waves(alert.child)):
        ids += send_wave(alert, alert.wave + 1, kind=ESCALATED)
    return ids


def escalate_due() -> int:
    """Scheduler job: apply the timers of every active alert (safe to re-run: it selects by state)."""
    from app.alerts.services import dispatch

    sent = 0
    for alert_id in list(db.session.scalars(select(Alert.id).where(Alert.status.in_(ACTIVE)))):
        alert = db.session.get(Alert, alert_id)
        ids = tick_alert(alert)
        dispatch(ids)  # commits this alert's steps
        sent += len(ids)
    db.session.commit()
    return sent


def screen_state(alert: Alert) -> dict:
    """What the alert screen shows: each contact with their latest text and email status, faults."""
    rows = deliveries(alert)
    latest: dict[tuple[int, str], Delivery] = {}
    for d in rows:
        latest[(d.contact_id, d.channel)] = d
    people = []
    for number, group in enumerate(waves(alert.child), start=1):
        for link in group:
            r = reach(link)
            people.append({"reach": r, "wave": number, "told": number <= alert.wave,
                           "sms": latest.get((link.contact_id, "sms")),
                           "email": latest.get((link.contact_id, "email"))})
    sms_failed = [d for d in rows if text_failing(d)]
    return {"people": people, "sms_failed": sms_failed,
            "unreachable": not any(p["reach"].reachable for p in people),
            "next_wave_at": (alert.last_wave_at + timedelta(minutes=options_for(alert.child.setting).escalate_minutes))
            if alert.last_wave_at and alert.wave < len(waves(alert.child)) else None}
