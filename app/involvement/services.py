"""Use-cases of involvement: forum membership and meetings, volunteering, skills, interests."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.audit.services import record
from app.clock import utcnow
from app.config import LANGUAGES
from app.extensions import db
from app.families.models import Contact
from app.i18n import in_language
from app.involvement.models import (ACTIVE, CONFIRMED, ENDED, OFFERED, PENDING, WITHDRAWN, ForumMeeting, ForumMember,
                                    InterestSignup, Opportunity, SkillOffer, VolunteerSignup, VolunteerSlot)
from app.messaging.render import FAMILY_MARK
from app.messaging.services import create_message


class SignupRefused(Exception):
    """A sign-up that cannot be stored: `reason` is closed or full."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- forum --------------------------------------------------------------------------------------

def membership(contact: Contact) -> ForumMember | None:
    """The contact's forum membership (any status)."""
    return db.session.scalar(select(ForumMember).where(ForumMember.setting_id == contact.setting_id,
                                                       ForumMember.contact_id == contact.id))


def is_member(contact: Contact, today: date | None = None) -> bool:
    """True for an accepted member whose term has not ended."""
    member = membership(contact)
    today = today or utcnow().date()
    return bool(member and member.status == ACTIVE and (member.term_end is None or member.term_end >= today))


def ask_to_join(contact: Contact) -> ForumMember:
    """A parent asks to join the forum (again, after a term ended); the PICO accepts."""
    member = membership(contact)
    if member is None:
        member = ForumMember(setting_id=contact.setting_id, contact_id=contact.id, status=PENDING)
        db.session.add(member)
    elif member.status == ENDED:
        member.status = PENDING
    db.session.flush()
    record(contact.setting_id, "forum.asked", member, contact_id=contact.id)
    return member


def accept(member: ForumMember, term_start: date, term_end: date | None, role: str = "", actor=None) -> None:
    """Accept a member for a term of office."""
    member.status, member.term_start, member.term_end, member.role = ACTIVE, term_start, term_end, role
    db.session.flush()
    record(member.setting_id, "forum.accepted", member, actor=actor)


def end(member: ForumMember, actor=None) -> None:
    """End a membership now."""
    member.status = ENDED
    member.term_end = min(member.term_end or utcnow().date(), utcnow().date())
    db.session.flush()
    record(member.setting_id, "forum.ended", member, actor=actor)


def active_member_ids(setting_id: int) -> list[int]:
    """Contacts who are forum members today."""
    today = utcnow().date()
    return list(db.session.scalars(select(ForumMember.contact_id).where(
        ForumMember.setting_id == setting_id, ForumMember.status == ACTIVE,
        or_(ForumMember.term_end.is_(None), ForumMember.term_end >= today))))


def publish(meeting: ForumMeeting, setting, actor=None) -> int | None:
    """Publish a meeting's agenda and minutes to members (or to all parents): a message pointing to
    the family page, where they can read it."""
    meeting.published_at = utcnow()
    audience = {"all": True} if meeting.all_parents else {"contacts": active_member_ids(setting.id)}
    if not meeting.all_parents and not audience["contacts"]:
        db.session.flush()
        return None
    versions = {}
    for language in LANGUAGES:
        with in_language(language):
            versions[language] = {
                "subject": _("Parents' forum: %(title)s", title=meeting.title),
                "body_text": "\n\n".join(part for part in (
                    meeting.title, meeting.agenda, meeting.minutes,
                    _("You can read it on your family page: %(url)s", url=FAMILY_MARK)) if part)}
    message = create_message(setting, category="involvement", channels="email", audience=audience,
                             audience_label=meeting.title[:200], versions=versions, created_by=actor)
    record(setting.id, "forum.published", meeting, actor=actor, message_id=message.id)
    return message.id


def meetings_for(contact: Contact) -> list[ForumMeeting]:
    """Published meetings this contact may read (members: all; others: those shared with all parents)."""
    query = select(ForumMeeting).where(ForumMeeting.setting_id == contact.setting_id,
                                       ForumMeeting.published_at.is_not(None))
    if not is_member(contact):
        query = query.where(ForumMeeting.all_parents.is_(True))
    return list(db.session.scalars(query.order_by(ForumMeeting.starts_at.desc()).limit(10)))


# --- volunteering -------------------------------------------------------------------------------

def taken(slot: VolunteerSlot) -> int:
    """Helpers offered or confirmed for a slot."""
    return sum(1 for s in slot.signups if s.status in (OFFERED, CONFIRMED))


def open_slots(setting_id: int) -> list[VolunteerSlot]:
    """Future slots of open opportunities, soonest first."""
    return list(db.session.scalars(select(VolunteerSlot).join(Opportunity).where(
        Opportunity.setting_id == setting_id, Opportunity.open.is_(True), VolunteerSlot.starts_at > utcnow())
        .order_by(VolunteerSlot.starts_at)))


def signup_of(slot: VolunteerSlot, contact: Contact) -> VolunteerSignup | None:
    """This contact's sign-up for a slot."""
    return next((s for s in slot.signups if s.contact_id == contact.id), None)


def offer_help(slot: VolunteerSlot, contact: Contact) -> VolunteerSignup:
    """A parent offers to help; refused when the slot is past, closed or already has enough helpers."""
    if not slot.opportunity.open or slot.starts_at <= utcnow() or slot.opportunity.setting_id != contact.setting_id:
        raise SignupRefused("closed")
    signup = signup_of(slot, contact)
    if signup and signup.status in (OFFERED, CONFIRMED):
        return signup
    if taken(slot) >= slot.needed:
        raise SignupRefused("full")
    if signup is None:
        signup = VolunteerSignup(slot=slot, contact_id=contact.id)
        db.session.add(signup)
    signup.status = OFFERED
    db.session.flush()
    record(contact.setting_id, "volunteer.offered", slot.opportunity, contact_id=contact.id, slot_id=slot.id)
    return signup


def withdraw(slot: VolunteerSlot, contact: Contact) -> None:
    """A parent can no longer help."""
    signup = signup_of(slot, contact)
    if signup and signup.status != WITHDRAWN:
        signup.status = WITHDRAWN
        db.session.flush()
        record(contact.setting_id, "volunteer.withdrew", slot.opportunity, contact_id=contact.id, slot_id=slot.id)


def confirm(signup: VolunteerSignup, actor=None) -> None:
    """Staff confirm a helper."""
    if signup.status == OFFERED:
        signup.status = CONFIRMED
        db.session.flush()
        record(signup.slot.opportunity.setting_id, "volunteer.confirmed", signup.slot.opportunity, actor=actor,
               contact_id=signup.contact_id)


def send_volunteer_reminders(hours: int = 24) -> list[int]:
    """Scheduler job: remind confirmed helpers of slots starting within `hours` (once per slot)."""
    from app.workshops.notices import start

    now = utcnow()
    sent = []
    for slot in db.session.scalars(select(VolunteerSlot).where(
            VolunteerSlot.reminder_sent_at.is_(None), VolunteerSlot.starts_at > now,
            VolunteerSlot.starts_at <= now + timedelta(hours=hours))).all():
        slot.reminder_sent_at = now
        helpers = sorted(s.contact_id for s in slot.signups if s.status == CONFIRMED)
        if not helpers:
            continue
        opportunity = slot.opportunity
        versions = {}
        for language in LANGUAGES:
            with in_language(language):
                versions[language] = {
                    "subject": _("Reminder: thank you for helping with %(title)s", title=opportunity.title),
                    "body_text": _("Thank you for offering to help with %(title)s. We look forward to seeing you. "
                                   "If you can no longer come, please tell us here: %(url)s",
                                   title=opportunity.title, url=FAMILY_MARK)}
                versions[language]["sms_text"] = versions[language]["subject"]
        from app.settings.models import Setting

        message = create_message(db.session.get(Setting, opportunity.setting_id), category="involvement",
                                 channels="both", audience={"contacts": helpers},
                                 audience_label=opportunity.title[:200], versions=versions)
        sent.append(message.id)
    db.session.commit()
    for message_id in sent:
        start(message_id)
    return sent


# --- skills and interests -----------------------------------------------------------------------

def skills_of(contact: Contact) -> SkillOffer | None:
    """The contact's skill offer."""
    return db.session.scalar(select(SkillOffer).where(SkillOffer.setting_id == contact.setting_id,
                                                      SkillOffer.contact_id == contact.id))


def save_skills(contact: Contact, skills: str) -> None:
    """Store (or clear) what a parent offers to share."""
    offer = skills_of(contact) or SkillOffer(setting_id=contact.setting_id, contact_id=contact.id)
    offer.skills = skills
    db.session.add(offer)
    db.session.flush()


def search_skills(setting_id: int, query: str) -> list[SkillOffer]:
    """Skill offers of a setting containing every word of `query` (case-insensitive)."""
    stmt = select(SkillOffer).where(SkillOffer.setting_id == setting_id, SkillOffer.skills != "")
    for word in query.split()[:5]:
        stmt = stmt.where(func.lower(SkillOffer.skills).contains(word.lower()))
    return list(db.session.scalars(stmt.order_by(SkillOffer.updated_at.desc()).limit(200)))


def add_interest(contact: Contact, topic: str) -> InterestSignup:
    """'Tell me when there's a course on …'."""
    signup = InterestSignup(setting_id=contact.setting_id, contact_id=contact.id, topic=topic)
    db.session.add(signup)
    db.session.flush()
    return signup


def interests_of(contact: Contact) -> list[InterestSignup]:
    """A contact's interest sign-ups."""
    return list(db.session.scalars(select(InterestSignup).where(
        InterestSignup.setting_id == contact.setting_id, InterestSignup.contact_id == contact.id)
        .order_by(InterestSignup.id)))
