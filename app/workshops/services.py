"""Use-cases of workshops: create and change them, answer invitations, the waiting list, the register."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.workshops import notices
from app.workshops.models import (CANCELLED, CONFIRMED, DECLINED, MAYBE, NO, OPEN, PER_FAMILY, WAITING, YES, Rsvp,
                                  SessionAttendance, Workshop, WorkshopSession, WorkshopText)


class RsvpRefused(Exception):
    """An answer that cannot be stored: `reason` is closed, cancelled, started, finished or over_capacity (a
    booked party asking for more places than are left)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class RsvpData:
    """What a parent answers."""

    answer: str
    adults: int = 1
    children: int = 0
    creche_places: int = 0
    interpreter_language: str | None = None
    access_needs: str = ""
    note: str = ""


def current_children(contact: Contact) -> list[Child]:
    """The contact's children on roll (not restricted links), lowest id first."""
    today = utcnow().date()
    return sorted((link.child for link in contact.links
                   if link.child.leaving_date is None or link.child.leaving_date >= today), key=lambda c: c.id)


def family_key(contact: Contact) -> str:
    """Who 'the family' is: the contact's first child on roll (so two parents share it), else the contact."""
    children = current_children(contact)
    return f"f{children[0].id}" if children else f"c{contact.id}"


def party_of(workshop: Workshop, contact: Contact) -> str:
    """The key an RSVP is stored under: the contact, or the family, as the workshop says."""
    return family_key(contact) if workshop.rsvp_mode == PER_FAMILY else f"c{contact.id}"


def invited(workshop: Workshop, contact: Contact) -> bool:
    """True when the contact is in the workshop's audience (and may be told about it)."""
    if contact.setting_id != workshop.setting_id or contact.restricted:
        return False
    audience = workshop.audience or {}
    if audience.get("all"):
        return True
    if audience.get("contacts") and contact.id in audience["contacts"]:
        return True
    rooms = set(audience.get("rooms") or [])
    children = set(audience.get("children") or [])
    return any(c.room_id in rooms or c.id in children for c in current_children(contact))


def invited_workshops(contact: Contact, upcoming_only: bool = True) -> list[Workshop]:
    """Workshops of the contact's setting that they were invited to (upcoming ones by default)."""
    query = select(Workshop).where(Workshop.setting_id == contact.setting_id, Workshop.invited_at.is_not(None))
    if upcoming_only:
        query = query.where(Workshop.ends_at > utcnow())
    return [w for w in db.session.scalars(query.order_by(Workshop.starts_at)) if invited(w, contact)]


def rsvp_for(workshop: Workshop, contact: Contact) -> Rsvp | None:
    """The answer that counts for this contact (their own, or their family's)."""
    return db.session.scalar(select(Rsvp).where(Rsvp.workshop_id == workshop.id,
                                                Rsvp.party == party_of(workshop, contact)))


def places_taken(workshop: Workshop, excluding: Rsvp | None = None) -> int:
    """Adult places held by confirmed yes/maybe answers."""
    return sum(r.adults for r in workshop.rsvps
               if r.place == CONFIRMED and r.answer in (YES, MAYBE) and r is not excluding)


def places_left(workshop: Workshop) -> int | None:
    """Places still free (None when there is no limit)."""
    if workshop.capacity is None:
        return None
    return max(workshop.capacity - places_taken(workshop), 0)


def can_answer(workshop: Workshop) -> str | None:
    """None when answers are open, else why not: cancelled, started (a course under way), finished or
    closed (past the deadline)."""
    now = utcnow()
    if workshop.status == CANCELLED:
        return "cancelled"
    if workshop.starts_at <= now:  # one answer per course: answers close when its first session begins
        return "started" if len(workshop.sessions) > 1 and now < workshop.ends_at else "finished"
    if workshop.rsvp_deadline and workshop.rsvp_deadline <= now:
        return "closed"
    return None


def answer(workshop: Workshop, contact: Contact, data: RsvpData) -> tuple[Rsvp, list[int]]:
    """Store a parent's answer (new or changed); returns it and the message ids to send.

    Yes/maybe takes adult places if there are enough, else joins the waiting list; a no (or fewer
    adults) frees places and promotes those waiting. Raises RsvpRefused when answers are closed."""
    refused = can_answer(workshop)
    if refused:
        raise RsvpRefused(refused)
    rsvp = rsvp_for(workshop, contact)
    before = (rsvp.answer, rsvp.place, rsvp.adults) if rsvp else None
    coming = data.answer in (YES, MAYBE)
    if (coming and rsvp is not None and rsvp.place == CONFIRMED and workshop.capacity is not None
            and places_taken(workshop, excluding=rsvp) + data.adults > workshop.capacity):
        raise RsvpRefused("over_capacity")  # a booked family asking for more places than are left keeps its booking
    if rsvp is None:
        rsvp = Rsvp(setting_id=workshop.setting_id, workshop_id=workshop.id, party=party_of(workshop, contact))
        workshop.rsvps.append(rsvp)
    rsvp.contact_id = contact.id
    rsvp.answer = data.answer
    rsvp.adults = data.adults if coming else 0
    rsvp.children = data.children if coming else 0
    rsvp.creche_places = data.creche_places if coming and workshop.creche else 0
    rsvp.interpreter_language = data.interpreter_language if coming else None
    rsvp.access_needs = data.access_needs if coming else ""
    rsvp.note = data.note
    messages = []
    if not coming:
        rsvp.place, rsvp.waiting_since = DECLINED, None
    else:
        was_confirmed = before is not None and before[1] == CONFIRMED
        fits = workshop.capacity is None or places_taken(workshop, excluding=rsvp) + rsvp.adults <= workshop.capacity
        if fits:
            rsvp.place, rsvp.waiting_since = CONFIRMED, None
            if not was_confirmed:
                db.session.flush()
                messages.append(notices.confirmation(workshop, [contact.id]))
                others = [i for i in with_family(workshop, [contact.id]) if i != contact.id]
                messages.append(notices.confirmation(workshop, others, family=True))
                rsvp.confirmation_sequence = workshop.sequence
        else:
            newly_waiting = rsvp.place != WAITING or rsvp.waiting_since is None
            if newly_waiting:
                rsvp.waiting_since = utcnow()
            rsvp.place = WAITING
            if newly_waiting:
                db.session.flush()
                messages.append(notices.waiting(workshop, with_family(workshop, [contact.id])))
    db.session.flush()
    record(workshop.setting_id, "workshop.rsvp", workshop, answer=data.answer, place=rsvp.place,
           contact_id=contact.id, adults=rsvp.adults)
    messages += promote(workshop)
    return rsvp, [m for m in messages if m]


def promote(workshop: Workshop) -> list[int]:
    """Give freed places to the waiting list, first come first served; tell each one promoted."""
    if workshop.status != OPEN:
        return []
    waiting = sorted((r for r in workshop.rsvps if r.place == WAITING), key=lambda r: (r.waiting_since, r.id))
    promoted = []
    for rsvp in waiting:
        if workshop.capacity is not None and places_taken(workshop) + rsvp.adults > workshop.capacity:
            continue  # a smaller party further down may still fit
        rsvp.place, rsvp.waiting_since = CONFIRMED, None
        rsvp.confirmation_sequence = workshop.sequence
        promoted.append(rsvp.contact_id)
        db.session.flush()
    if not promoted:
        return []
    record(workshop.setting_id, "workshop.promoted", workshop, contacts=promoted)
    return [m for m in (notices.confirmation(workshop, with_family(workshop, promoted), promoted=True),) if m]


def save_workshop(workshop: Workshop, *, texts: dict[str, tuple[str, str]], fields: dict,
                  sessions: list[tuple[datetime, datetime]] | None = None, actor=None) -> list[int]:
    """Create or change a workshop and its sessions ((start, end) times; None keeps them); a change of
    a session's time, of the sessions, or of the place bumps SEQUENCE and tells those coming."""
    new = workshop.id is None
    place = ("venue", "access_notes")
    moved = not new and any(getattr(workshop, name) != fields.get(name, getattr(workshop, name)) for name in place)
    for name, value in fields.items():
        setattr(workshop, name, value)
    dropped, before = [], {s.uid: (s.starts_at, s.ends_at) for s in workshop.sessions}
    if sessions:
        dropped = [(s.uid, s.starts_at, s.ends_at) for s in workshop.sessions[len(sessions):]]
        changed = workshop.set_sessions(sessions)
        moved = moved or (changed and not new)
    by_lang = {t.language: t for t in workshop.texts}
    for language, (title, description) in texts.items():
        if not title:
            if language in by_lang and language != workshop.default_language:
                workshop.texts.remove(by_lang[language])
            continue
        text = by_lang.get(language) or WorkshopText(language=language)
        text.title, text.description = title, description
        if language not in by_lang:
            workshop.texts.append(text)
    if new:
        db.session.add(workshop)
    messages = []
    if moved:
        workshop.sequence += 1
    db.session.flush()
    if dropped:
        _refresh_attended(workshop)
    if moved:
        retimed = next((s for s in workshop.sessions if before.get(s.uid) != (s.starts_at, s.ends_at)), None)
        messages.append(notices.changed(workshop, attendee_ids(workshop, include_waiting=True), dropped, retimed))
    if not new:
        messages += promote(workshop)  # more places, or a new time that frees some
    record(workshop.setting_id, "workshop.created" if new else "workshop.changed", workshop,
           actor=actor, moved=moved, sessions=len(workshop.sessions))
    return [m for m in messages if m]


def attendee_ids(workshop: Workshop, include_waiting: bool = False) -> list[int]:
    """Contacts who said yes or maybe and hold a place (and those waiting, if asked); with per-family
    answers, the other contacts of those families too (see with_family)."""
    places = (CONFIRMED, WAITING) if include_waiting else (CONFIRMED,)
    return with_family(workshop, [r.contact_id for r in workshop.rsvps
                                  if r.answer in (YES, MAYBE) and r.place in places])


def with_family(workshop: Workshop, contact_ids: list[int]) -> list[int]:
    """The contacts, plus (per-family answers) every other contact whose answer is the same family's
    and who is invited: never a restricted contact. The messaging core still drops opt-outs."""
    ids = set(contact_ids)
    if workshop.rsvp_mode != PER_FAMILY or not ids:
        return sorted(ids)
    parties = {family_key(c) for c in contacts_by_id(sorted(ids)).values()}
    child_ids = [int(p[1:]) for p in parties if p.startswith("f")]
    if child_ids:
        kin = db.session.scalars(select(Contact).join(ChildContact, ChildContact.contact_id == Contact.id).where(
            ChildContact.child_id.in_(child_ids), Contact.restricted.is_(False)).distinct())
        ids |= {c.id for c in kin if family_key(c) in parties and invited(workshop, c)}
    return sorted(ids)


def cancel(workshop: Workshop, actor=None) -> int | None:
    """Cancel a workshop: SEQUENCE bumped, everyone who answered yes/maybe told, with a CANCEL .ics."""
    if workshop.status == CANCELLED:
        return None
    workshop.status = CANCELLED
    workshop.sequence += 1
    db.session.flush()
    record(workshop.setting_id, "workshop.cancelled", workshop, actor=actor)
    return notices.cancelled(workshop, attendee_ids(workshop, include_waiting=True))


def send_invitations(workshop: Workshop, channels: str, actor=None) -> int:
    """Invite the workshop's audience (each gets their own RSVP link)."""
    message_id = notices.invitation(workshop, channels)
    workshop.invited_at = workshop.invited_at or utcnow()
    db.session.flush()
    record(workshop.setting_id, "workshop.invited", workshop, actor=actor, message_id=message_id)
    return message_id


def interested(workshop: Workshop) -> list:
    """Interest sign-ups ('tell me when there is a course on …') of parents not yet invited to it."""
    from app.involvement.models import InterestSignup

    signups = db.session.scalars(select(InterestSignup).where(InterestSignup.setting_id == workshop.setting_id)
                                 .order_by(InterestSignup.topic, InterestSignup.id)).all()
    return [s for s in signups if not invited(workshop, s.contact) and not s.contact.restricted]


def invite_interested(workshop: Workshop, signup_ids: set[int], channels: str = "both",
                      actor=None) -> int | None:
    """Tell parents who asked for a course like this: they join the workshop's audience and get the
    invitation with their own RSVP link (those already invited get nothing twice)."""
    contact_ids = sorted({s.contact_id for s in interested(workshop) if s.id in signup_ids})
    if not contact_ids or workshop.status == CANCELLED:
        return None
    workshop.audience = {**workshop.audience,
                         "contacts": sorted(set(workshop.audience.get("contacts") or []) | set(contact_ids))}
    message_id = notices.invitation(workshop, channels, audience={"contacts": contact_ids})
    workshop.invited_at = workshop.invited_at or utcnow()
    db.session.flush()
    record(workshop.setting_id, "workshop.invited", workshop, actor=actor, message_id=message_id,
           interested=len(contact_ids))
    return message_id


def mark_register(workshop: Workshop, attended_ids: set[int], session: WorkshopSession | None = None,
                  actor=None) -> None:
    """Record who came to `session` (RSVP ids ticked on its register; the first session when not
    given). An answer counts as attended when its party came to at least one session."""
    session = session or workshop.sessions[0]
    came = {a.rsvp_id: a for a in session.attendances}
    for rsvp in workshop.rsvps:
        if rsvp.id in attended_ids and rsvp.id not in came:
            session.attendances.append(SessionAttendance(rsvp_id=rsvp.id))
        elif rsvp.id not in attended_ids and rsvp.id in came:
            session.attendances.remove(came[rsvp.id])
    _refresh_attended(workshop)
    record(workshop.setting_id, "workshop.register", workshop, actor=actor, session=session.number,
           attended=len(attended_ids))


def _refresh_attended(workshop: Workshop) -> None:
    """Rsvp.attended (what the evidence counts): the party came to at least one session."""
    db.session.flush()
    attended = set(db.session.scalars(select(SessionAttendance.rsvp_id).join(WorkshopSession).where(
        WorkshopSession.workshop_id == workshop.id)))
    for rsvp in workshop.rsvps:
        rsvp.attended = rsvp.id in attended
    db.session.flush()


def sessions_attended(workshop: Workshop) -> dict[int, int]:
    """How many sessions each answer's party came to ({rsvp id: count}; absent means none)."""
    counts: dict[int, int] = {}
    for session in workshop.sessions:
        for attendance in session.attendances:
            counts[attendance.rsvp_id] = counts.get(attendance.rsvp_id, 0) + 1
    return counts


def session_of(workshop: Workshop, session_id) -> WorkshopSession | None:
    """The workshop's session with this id (None for another workshop's, or nonsense)."""
    return next((s for s in workshop.sessions if str(s.id) == str(session_id)), None)


def next_session(workshop: Workshop) -> WorkshopSession:
    """The session still to come or under way (the last one once the course is over)."""
    now = utcnow()
    return next((s for s in workshop.sessions if s.ends_at > now), workshop.sessions[-1])


def register_session(workshop: Workshop) -> WorkshopSession:
    """The session the register opens on: the latest one that has started, else the first."""
    now = utcnow()
    started = [s for s in workshop.sessions if s.starts_at <= now]
    return started[-1] if started else workshop.sessions[0]


def thanks_due(workshop: Workshop) -> bool:
    """True once the last session has begun: the thank-you and follow-up come after the course."""
    return workshop.last_session.starts_at <= utcnow()


def send_thanks(workshop: Workshop, actor=None, evaluation: bool = False) -> int | None:
    """Thank those who came (once, from the start of the last session on), optionally with a personal
    link to an evaluation questionnaire."""
    if workshop.thanks_sent_at or not thanks_due(workshop):
        return None
    came = sorted({r.contact_id for r in workshop.rsvps if r.attended})
    message_id = notices.thanks(workshop, came, evaluation=evaluation)
    workshop.thanks_sent_at = utcnow()
    db.session.flush()
    record(workshop.setting_id, "workshop.thanks", workshop, actor=actor, contacts=len(came),
           evaluation=evaluation)
    return message_id


def send_due_reminders() -> list[int]:
    """Scheduler job: remind yes/maybe of every session starting within its workshop's reminder_hours
    (once per session: safe to re-run, it selects sessions not yet reminded)."""
    now = utcnow()
    sent = []
    due = db.session.scalars(select(WorkshopSession).join(Workshop).where(
        Workshop.status == OPEN, WorkshopSession.reminder_sent_at.is_(None), WorkshopSession.starts_at > now)
        .order_by(WorkshopSession.starts_at))
    for session in list(due):
        if session.starts_at - timedelta(hours=session.workshop.reminder_hours) > now:
            continue
        session.reminder_sent_at = now
        message_id = notices.reminder(session.workshop, attendee_ids(session.workshop), session)
        db.session.flush()
        if message_id:
            sent.append(message_id)
    for message_id in sent:
        notices.start(message_id)
    db.session.commit()
    return sent


def contacts_by_id(ids: list[int]) -> dict[int, Contact]:
    """Contacts keyed by id (for staff lists)."""
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Contact).where(Contact.id.in_(ids)))}


def family_names(contact: Contact) -> str:
    """The contact's children's first names (staff lists)."""
    return ", ".join(c.first_name for c in current_children(contact))

