"""Complaints: reference, acknowledgement, the 28-day clock, reminders and the append-only record."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.feedback.models import (COMPLAINT_DAYS, REMINDER_DAYS, ComplaintReminder, ComplaintStep,
                                 FeedbackItem)
from app.feedback.services import Refused, check_text, send_to_parent
from app.i18n import _s
from app.security import MANAGER


def _zone(setting) -> ZoneInfo:
    try:
        return ZoneInfo(setting.timezone or "Europe/London")
    except (KeyError, ValueError):
        return ZoneInfo("Europe/London")


def local_date(setting, moment: datetime) -> date:
    """The calendar date of `moment` at the setting."""
    return moment.astimezone(_zone(setting)).date()


def due_date(item: FeedbackItem) -> date:
    """The last day the outcome may reach the parent: 28 days after the complaint was received."""
    return local_date(_setting(item), item.complaint_at) + timedelta(days=COMPLAINT_DAYS)


def _setting(item: FeedbackItem):
    from app.settings.models import Setting

    return db.session.get(Setting, item.setting_id)


def days_elapsed(item: FeedbackItem, now: datetime | None = None) -> int:
    """Whole days since the complaint was received (by the setting's calendar)."""
    setting = _setting(item)
    return (local_date(setting, now or utcnow()) - local_date(setting, item.complaint_at)).days


def days_remaining(item: FeedbackItem, now: datetime | None = None) -> int:
    """Days left before the outcome is due (negative when overdue)."""
    return COMPLAINT_DAYS - days_elapsed(item, now)


def is_overdue(item: FeedbackItem, now: datetime | None = None) -> bool:
    """Open and past its 28 days."""
    return item.outcome_sent_at is None and days_remaining(item, now) < 0


def add_step(item: FeedbackItem, kind: str, text: str = "", actor=None, at: datetime | None = None) -> ComplaintStep:
    """Append one step to the complaint's record (never changed afterwards)."""
    step = ComplaintStep(setting_id=item.setting_id, item_id=item.id, kind=kind, text=text,
                         at=at or utcnow(), author_id=getattr(actor, "id", None),
                         author_label=actor.name if actor is not None else "Homelink")
    db.session.add(step)
    db.session.flush()
    return step


def _next_reference(item: FeedbackItem) -> str:
    year = local_date(_setting(item), item.complaint_at).year
    prefix = f"C{year}-"
    count = db.session.scalar(select(func.count()).select_from(FeedbackItem).where(
        FeedbackItem.setting_id == item.setting_id, FeedbackItem.reference.like(prefix + "%")))
    return f"{prefix}{count + 1:03d}"


def ofsted_lines(setting) -> str:
    """How to contact Ofsted, in the current language, from the details the manager keeps."""
    lines = [_("You can contact Ofsted, the regulator of early years settings, at any time:")]
    if setting.ofsted_phone:
        lines.append(_("Phone: %(phone)s", phone=setting.ofsted_phone))
    if setting.ofsted_email:
        lines.append(_("Email: %(email)s", email=setting.ofsted_email))
    if setting.ofsted_address:
        lines.append(_("Address: %(address)s", address=" ".join(setting.ofsted_address.split())))
    return "\n".join(lines)


def make_complaint(item: FeedbackItem, actor=None, at: datetime | None = None) -> FeedbackItem:
    """Raise an item to a formal complaint: reference, the clock, 'received', then the
    acknowledgement to the parent (when known) with how to contact Ofsted."""
    if item.is_complaint:
        return item
    item.is_complaint = True
    item.anonymous = False
    item.complaint_at = at or item.received_at or utcnow()
    item.reference = _next_reference(item)
    if item.owner_id is None:
        manager = db.session.scalar(select_manager(item.setting_id))
        item.owner_id = manager.id if manager else None
    add_step(item, "received", item.body, actor=actor, at=item.complaint_at)
    record(item.setting_id, "complaint.received", item, actor=actor, reference=item.reference)
    acknowledge(item, actor)
    return item


def select_manager(setting_id: int):
    """The setting's managers (active), first one first."""
    from app.auth.models import User

    return select(User).where(User.setting_id == setting_id, User.role == MANAGER,
                              User.active.is_(True)).order_by(User.id)


def acknowledge(item: FeedbackItem, actor=None) -> None:
    """Send the acknowledgement (reference, due date, Ofsted) and record it."""
    if item.contact is None:
        add_step(item, "note", "No parent contact is known, so no acknowledgement was sent by Homelink.",
                 actor=actor)
        return
    setting = _setting(item)
    due = due_date(item)

    def body(language: str) -> str:
        return "\n\n".join([
            _("Thank you for telling us about your concern. We are treating it as a formal complaint."),
            _("Your reference is %(ref)s. We will look into it and send you the outcome in writing "
              "by %(date)s.", ref=item.reference, date=format_date(due, "long")),
            ofsted_lines(setting),
        ])

    message_id = send_to_parent(item, lambda: _("Your complaint %(ref)s has been received", ref=item.reference), body, created_by=actor)
    item = db.session.get(FeedbackItem, item.id)
    item.status = "acknowledged"
    add_step(item, "acknowledged", f"Acknowledgement sent to the parent (message {message_id}).", actor=actor)


def send_outcome(item: FeedbackItem, outcome: str, translated: str | None, actor) -> None:
    """Record the outcome, send it to the parent with Ofsted's details, and record the letter."""
    if not item.is_complaint:
        raise Refused(_s("Only a complaint has an outcome."))
    if item.outcome_sent_at is not None:
        raise Refused(_s("The outcome of this complaint has already been sent."))
    outcome = check_text(outcome)
    translated = check_text(translated) if (translated or "").strip() else None
    add_step(item, "outcome", outcome, actor=actor)
    item.outcome = outcome
    if item.contact is not None:
        setting = _setting(item)
        language_of_parent = item.contact.language

        def body(language: str) -> str:
            text = translated if translated and language == language_of_parent else outcome
            return "\n\n".join([text, ofsted_lines(setting)])

        message_id = send_to_parent(item, lambda: _("The outcome of your complaint %(ref)s", ref=item.reference), body, created_by=actor)
        item = db.session.get(FeedbackItem, item.id)
        add_step(item, "letter_sent", f"Outcome letter sent to the parent (message {message_id}).", actor=actor)
    item.outcome_sent_at = utcnow()
    item.status = "closed"
    record(item.setting_id, "complaint.outcome", item, actor=actor, reference=item.reference)
    db.session.flush()


def open_complaints(setting_id: int | None = None):
    """Complaints whose outcome has not been sent, oldest first."""
    query = select(FeedbackItem).where(FeedbackItem.is_complaint.is_(True), FeedbackItem.outcome_sent_at.is_(None))
    if setting_id is not None:
        query = query.where(FeedbackItem.setting_id == setting_id)
    return list(db.session.scalars(query.order_by(FeedbackItem.complaint_at)))


def _staff_url(item: FeedbackItem) -> str:
    from flask import current_app

    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/feedback/{item.id}"


def _email_reminder(item: FeedbackItem, day: int, user_ids: list[int], now: datetime) -> None:
    """Email one reminder (reference, days remaining, due date, link; never the notes) to these staff."""
    from app.messaging.services import create_message, send_now

    due, left = due_date(item), days_remaining(item, now)
    due_text = f"{due.day} {due:%B %Y}"
    if left >= 0:
        subject = _s("Complaint %(ref)s: %(n)s days left for the outcome", ref=item.reference, n=left)
    else:
        subject = _s("Complaint %(ref)s: the outcome is overdue", ref=item.reference)
    body = "\n\n".join([
        _s("Complaint %(ref)s has reached day %(day)s of %(total)s.", ref=item.reference, day=day,
           total=COMPLAINT_DAYS),
        _s("The outcome must reach the parent by %(date)s: %(n)s days remaining.", date=due_text, n=left),
        _s("Open the complaint: %(url)s", url=_staff_url(item)),
        _s("The complaint's notes are not in this email: read them in Homelink."),
    ])
    message = create_message(_setting(item), category="personal", channels="email",
                             audience={"staff": user_ids}, default_language="en",
                             audience_label=_s("Complaint reminder %(ref)s", ref=item.reference),
                             versions={"en": {"subject": subject, "body_text": body}})
    send_now(message.id)


def send_reminders(now: datetime | None = None) -> int:
    """Scheduler job: remind the owner and the manager(s) at days 14, 21 and 26 of each open
    complaint, by email through the messaging core (staff audience). Selects by state (a reminder
    row per complaint, day and person, committed with its email), so re-running is safe. A late run
    records every day passed but emails each person once, for the latest day."""
    now = now or utcnow()
    created = 0
    for item in open_complaints():
        elapsed = days_elapsed(item, now)
        people = {u.id for u in db.session.scalars(select_manager(item.setting_id))}
        if item.owner_id:
            people.add(item.owner_id)
        latest: dict[int, int] = {}  # user id → the latest day newly reached
        for day in REMINDER_DAYS:
            if elapsed < day:
                continue
            done = set(db.session.scalars(select(ComplaintReminder.user_id).where(
                ComplaintReminder.item_id == item.id, ComplaintReminder.day == day)))
            for user_id in sorted(people - done):
                db.session.add(ComplaintReminder(setting_id=item.setting_id, item_id=item.id, day=day,
                                                 user_id=user_id, created_at=now))
                latest[user_id] = day
                created += 1
            if people - done:
                record(item.setting_id, "complaint.reminder", item, actor_label="scheduler", day=day)
        for day in sorted(set(latest.values())):
            _email_reminder(item, day, sorted(u for u, d in latest.items() if d == day), now)
        db.session.commit()
    db.session.commit()
    return created


def reminders_for(user) -> list[ComplaintReminder]:
    """Reminders of this member of staff for complaints still open."""
    return list(db.session.scalars(
        select(ComplaintReminder).join(FeedbackItem, FeedbackItem.id == ComplaintReminder.item_id)
        .where(ComplaintReminder.user_id == user.id, FeedbackItem.outcome_sent_at.is_(None))
        .order_by(ComplaintReminder.created_at.desc())))


def may_see_record(item: FeedbackItem, user) -> bool:
    """Only the manager and the complaint's named owner see its notes."""
    return user.role == MANAGER or (item.owner_id is not None and item.owner_id == user.id)


def register(setting_id: int, start: date, end: date) -> list[FeedbackItem]:
    """Complaints received between two dates (inclusive, by the setting's calendar), oldest first."""
    items = db.session.scalars(select(FeedbackItem).where(
        FeedbackItem.setting_id == setting_id, FeedbackItem.is_complaint.is_(True))
        .order_by(FeedbackItem.complaint_at, FeedbackItem.id))
    setting = None
    out = []
    for item in items:
        setting = setting or _setting(item)
        if start <= local_date(setting, item.complaint_at) <= end:
            out.append(item)
    return out
