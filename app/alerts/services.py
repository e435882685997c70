"""Late-collection alerts: raise one, tell contacts wave by wave, attach replies, close it."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.alerts import texts
from app.alerts.home_time import set_mark
from app.alerts.models import (ACTIVE, COLLECTED, CANCELLED, MARKED_CANCELLED, MARKED_COLLECTED,
                               KEYWORD, MARK_COLLECTED, MARKED_ON_WAY, ON_WAY, OPEN, RAISED, REPLY, SENT, FAULT, Alert,
                               AlertEvent, AlertOptions)
from app.clock import utcnow
from app.extensions import db
from app.families.contact_details import InvalidDetail, display_mobile, normalise_email, normalise_mobile
from app.families.models import Child, ChildContact, Contact
from app.i18n import _s
from app.messaging.labels import CHANNEL, code_label
from app.messaging.models import URGENT, SmsOptOut
from app.messaging.services import create_message


class AlertRefused(Exception):
    """The alert cannot be sent; `advice` says what to do instead."""

    def __init__(self, advice: str) -> None:
        super().__init__(advice)
        self.advice = advice


@dataclass
class Reach:
    """How one contact can be reached now."""

    link: ChildContact
    mobile: str | None
    email: str | None
    stopped: bool

    @property
    def contact(self) -> Contact:
        return self.link.contact

    @property
    def by_sms(self) -> bool:
        return bool(self.mobile) and not self.stopped

    @property
    def by_email(self) -> bool:
        """Email when they prefer it, or when a text cannot reach them."""
        return bool(self.email) and (self.contact.wants_email or not self.by_sms)

    @property
    def reachable(self) -> bool:
        return self.by_sms or self.by_email

    @property
    def phone(self) -> str:
        return display_mobile(self.mobile) if self.mobile else ""


def options_for(setting) -> AlertOptions:
    """The setting's alert options; the defaults, not yet saved, until the manager saves them
    (reading them never writes, so the options page can be opened by GET without a change)."""
    options = db.session.scalar(select(AlertOptions).where(AlertOptions.setting_id == setting.id))
    if options is None:
        options = AlertOptions(setting_id=setting.id, escalate_minutes=10, limit_minutes=60,
                               closing_time="18:00", afternoon_from="12:30", templates={})
    return options


def waves(child: Child) -> list[list[ChildContact]]:
    """Who is told, in order: everyone with parental responsibility first (by priority), then the
    other adults authorised to collect, one priority level at a time. Restricted contacts never."""
    links = [link for link in child.links if not link.contact.restricted]
    first = sorted((link for link in links if link.parental_responsibility), key=lambda l: (l.priority, l.id))
    rest = sorted((link for link in links if not link.parental_responsibility and link.authorised_to_collect),
                  key=lambda l: (l.priority, l.id))
    groups = [first] if first else []
    for _priority, same in groupby(rest, key=lambda l: l.priority):
        groups.append(list(same))
    return groups


def reach(link: ChildContact) -> Reach:
    """The usable mobile and email of a linked contact, and whether they texted STOP."""
    contact = link.contact
    region = contact.setting.phone_region or "GB"
    try:
        mobile = normalise_mobile(contact.mobile, region) if contact.mobile else None
    except InvalidDetail:
        mobile = None
    try:
        email = normalise_email(contact.email) if contact.email else None
    except InvalidDetail:
        email = None
    stopped = bool(mobile) and db.session.scalar(select(SmsOptOut.id).where(
        SmsOptOut.setting_id == contact.setting_id, SmsOptOut.mobile == mobile)) is not None
    return Reach(link=link, mobile=mobile, email=email, stopped=stopped)


def add_step(alert: Alert, kind: str, actor=None, detail: str = "", **kw) -> AlertEvent:
    """Append one step to the alert's record, timed now."""
    event = AlertEvent(setting_id=alert.setting_id, alert=alert, kind=kind, at=utcnow(),
                       actor_id=actor.id if actor else None, detail=detail, **kw)
    db.session.add(event)
    return event


def template_values(alert: Alert, options: AlertOptions) -> dict:
    """The values the message text may use: child's first name, setting, phone, closing time."""
    setting = alert.child.setting
    return {"child": alert.child.first_name, "setting": setting.name, "phone": setting.phone or "-",
            "closing": options.closing_time}


def send_wave(alert: Alert, number: int, actor=None, kind: str = SENT) -> list[int]:
    """Create the urgent messages for wave `number` (1-based); returns message ids to send."""
    groups = waves(alert.child)
    if number > len(groups):
        return []
    reaches = [reach(link) for link in groups[number - 1]]
    options = options_for(alert.child.setting)
    versions = texts.alert_versions(options.templates, template_values(alert, options))
    ids = []
    for channel, chosen in (("sms", [r for r in reaches if r.by_sms]), ("email", [r for r in reaches if r.by_email])):
        if not chosen:
            continue
        message = create_message(alert.child.setting, category="alert", channels=channel, urgency=URGENT,
                                 audience={"contacts": [r.contact.id for r in chosen]}, versions=versions,
                                 audience_label=f"Late collection: {alert.child.first_name}", created_by=actor)
        names = ", ".join(r.contact.full_name for r in chosen)
        add_step(alert, kind, actor, _s("group %(n)s, by %(channel)s: %(names)s", n=number, names=names,
                                        channel=code_label(CHANNEL, channel).lower()), message_id=message.id)
        ids.append(message.id)
    alert.wave, alert.last_wave_at = number, utcnow()
    return ids


def open_alert_for(child: Child) -> Alert | None:
    """The child's open alert, if any."""
    return db.session.scalar(select(Alert).where(Alert.child_id == child.id, Alert.status.in_(ACTIVE)))


def raise_alert(child: Child, actor) -> tuple[Alert, list[int]]:
    """Raise (once) the alert for a child not collected; returns it and the message ids to send.

    A second tap returns the alert already open. Raises AlertRefused for a child who has left."""
    existing = open_alert_for(child)
    if existing:
        return existing, []
    if child.has_left():
        raise AlertRefused("left")
    alert = Alert(setting_id=child.setting_id, child=child, open_child_id=child.id, status=OPEN,
                  raised_by_id=actor.id if actor else None, raised_at=utcnow(), wave=0)
    try:
        with db.session.begin_nested():
            db.session.add(alert)
            db.session.flush()
    except IntegrityError:
        return open_alert_for(child), []
    add_step(alert, RAISED, actor, f"raised for {child.full_name}")
    ids: list[int] = []
    while not ids and alert.wave < len(waves(child)):  # nobody reachable in a group: the next one at once
        ids = send_wave(alert, alert.wave + 1, actor)
    if not any(reach(link).reachable for group in waves(child) for link in group):
        add_step(alert, FAULT, actor, "no contact can be reached by text or email")
    db.session.flush()
    return alert, ids


def dispatch(message_ids: list[int]) -> None:
    """Start sending (commits first; urgent messages go ahead of any bulk send)."""
    from app.messaging.services import send_now

    db.session.commit()
    for message_id in message_ids:
        send_now(message_id)


def attach_inbound(inbound) -> AlertEvent | None:
    """Attach a text from a contact to the open alert of their child (messaging inbound hook)."""
    if inbound.contact_id is None:
        return None
    alert = db.session.scalar(
        select(Alert).join(ChildContact, ChildContact.child_id == Alert.child_id)
        .where(ChildContact.contact_id == inbound.contact_id, Alert.setting_id == inbound.setting_id,
               Alert.status.in_(ACTIVE)).order_by(Alert.raised_at.desc()).limit(1))
    if alert is None:
        return None
    if inbound.keyword:
        detail = f"{inbound.body} (texted STOP: email only from now)" if inbound.keyword == "STOP" else inbound.body
        return add_step(alert, KEYWORD, None, detail, contact_id=inbound.contact_id, inbound_id=inbound.id)
    return add_step(alert, REPLY, None, inbound.body, contact_id=inbound.contact_id, inbound_id=inbound.id)


def _close(alert: Alert, status: str, actor) -> None:
    alert.status, alert.open_child_id = status, None
    alert.closed_at, alert.closed_by_id = utcnow(), actor.id if actor else None


def mark_on_way(alert: Alert, actor, who: str = "") -> None:
    """Someone is on their way: escalation stops; the limit still applies."""
    if alert.status != OPEN:
        return
    alert.status = ON_WAY
    add_step(alert, MARKED_ON_WAY, actor, who or "on their way")


def collector_links(child: Child) -> list[ChildContact]:
    """The child's contacts who may be recorded as collecting (restricted contacts never)."""
    return sorted((link for link in child.links if not link.contact.restricted),
                  key=lambda l: (not l.authorised_to_collect, l.priority, l.id))


def mark_collected(alert: Alert, actor, link: ChildContact | None, other_name: str = "",
                   password_given: bool = False) -> str | None:
    """Close the alert as collected; returns an error code when the collector is not authorised."""
    if not alert.is_active:
        return None
    if link is not None:
        if link.child_id != alert.child_id or link.contact.restricted:
            return "not_allowed"
        authorised = link.authorised_to_collect
        name = f"{link.contact.full_name} ({link.relationship_label})"
    else:
        authorised, name = False, other_name.strip()
        if not name:
            return "no_name"
    if not authorised and not password_given:
        return "needs_password"
    _close(alert, COLLECTED, actor)
    alert.collected_by = name[:200]
    set_mark(alert.child, MARK_COLLECTED, actor)  # off today's home-time list
    note = "authorised" if authorised else "not on the authorised list; collection password confirmed"
    add_step(alert, MARKED_COLLECTED, actor, f"collected by {name} ({note})",
           contact_id=link.contact_id if link else None)
    return None


def mark_cancelled(alert: Alert, actor, reason: str = "") -> None:
    """Close the alert as raised in error (or resolved otherwise)."""
    if alert.is_active:
        _close(alert, CANCELLED, actor)
        add_step(alert, MARKED_CANCELLED, actor, reason.strip()[:500] or "cancelled")


def replies(alert: Alert) -> list[AlertEvent]:
    """The texts contacts sent during the alert, newest first."""
    return sorted((e for e in alert.events if e.kind in (REPLY, KEYWORD)), key=lambda e: e.id, reverse=True)
