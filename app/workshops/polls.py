"""Meeting-time polls: propose slots, parents mark works / could / can't, slots ranked by families reached."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.config import LANGUAGES
from app.extensions import db
from app.families.models import Contact
from app.i18n import in_language
from app.messaging.render import PERSONAL_LINK
from app.messaging.services import create_message
from app.workshops.models import Poll, PollAnswer, PollSlot, Workshop, WorkshopText
from app.workshops.services import family_key, family_names

WORKS, COULD, CANT = "works", "could", "cant"
ANSWERS = (WORKS, COULD, CANT)


def answers_of(poll: Poll, contact: Contact) -> dict[int, str]:
    """{slot id: answer} this contact gave."""
    slot_ids = [s.id for s in poll.slots]
    rows = db.session.scalars(select(PollAnswer).where(PollAnswer.slot_id.in_(slot_ids),
                                                       PollAnswer.contact_id == contact.id)) if slot_ids else []
    return {a.slot_id: a.answer for a in rows}


def save_answers(poll: Poll, contact: Contact, given: dict[int, str]) -> None:
    """Store (or change) a contact's answer for every slot of the poll."""
    if set(given) != {s.id for s in poll.slots} or not set(given.values()) <= set(ANSWERS):
        raise ValueError("an answer is needed for every slot")
    existing = {a.slot_id: a for a in db.session.scalars(select(PollAnswer).where(
        PollAnswer.slot_id.in_(given), PollAnswer.contact_id == contact.id))}
    for slot_id, value in given.items():
        row = existing.get(slot_id) or PollAnswer(slot_id=slot_id, contact_id=contact.id)
        row.answer = value
        db.session.add(row)
    db.session.flush()
    record(poll.setting_id, "poll.answered", poll, contact_id=contact.id)


@dataclass
class SlotReach:
    """How many families one slot reaches."""

    slot: PollSlot
    works: set = field(default_factory=set)
    could: set = field(default_factory=set)
    cant: set = field(default_factory=set)

    @property
    def reached(self) -> int:
        return len(self.works | self.could)


def ranking(poll: Poll) -> tuple[list[SlotReach], list[str]]:
    """Slots ranked by families reached (works or could), then by 'works'; and the families (children's
    names) who answered but whom no slot reaches. A family counts once, whichever parent answered
    (the most willing answer of its parents counts)."""
    reach = {s.id: SlotReach(s) for s in poll.slots}
    rows = db.session.execute(select(PollAnswer, Contact).join(Contact, Contact.id == PollAnswer.contact_id)
                              .where(PollAnswer.slot_id.in_(list(reach)))).all() if reach else []
    best: dict[tuple[int, str], str] = {}
    names: dict[str, str] = {}
    for answer, contact in rows:
        key = family_key(contact)
        names.setdefault(key, family_names(contact) or contact.full_name)
        current = best.get((answer.slot_id, key))
        if current is None or ANSWERS.index(answer.answer) < ANSWERS.index(current):
            best[(answer.slot_id, key)] = answer.answer
    for (slot_id, key), value in best.items():
        getattr(reach[slot_id], value).add(key)
    ranked = sorted(reach.values(), key=lambda r: (-r.reached, -len(r.works), r.slot.starts_at))
    reached_any = set().union(*(r.works | r.could for r in ranked)) if ranked else set()
    unreached = sorted(names[k] for k in names if k not in reached_any)
    return ranked, unreached


def send(poll: Poll, channels: str, when) -> int:
    """Ask the poll's audience, each with their own link; `when(slot, lang)` formats a slot."""
    versions = {}
    for language in LANGUAGES:
        with in_language(language):
            slots = "\n".join(f"- {when(s, language)}" for s in poll.slots)
            versions[language] = {
                "subject": _("When could you come? %(title)s", title=poll.title),
                "body_text": "\n\n".join([_("We are planning %(title)s and want a time that suits as many families as possible.",
                                            title=poll.title), slots,
                                          _("Please tell us which times work for you: %(url)s", url=PERSONAL_LINK)]),
                "sms_text": _("When could you come to %(title)s? Tell us here: %(url)s", title=poll.title, url=PERSONAL_LINK)}
    message = create_message(poll.setting, category="workshops", channels=channels, audience=poll.audience,
                             audience_label=poll.title[:200], versions=versions,
                             link_purpose="poll", link_scope_id=poll.id)
    record(poll.setting_id, "poll.sent", poll, message_id=message.id)
    return message.id


def to_workshop(poll: Poll, slot: PollSlot) -> Workshop:
    """A new (not yet sent) workshop at the chosen slot, for the same families."""
    workshop = Workshop(setting_id=poll.setting_id, starts_at=slot.starts_at, ends_at=slot.ends_at,
                        audience=dict(poll.audience), default_language="en")
    workshop.texts.append(WorkshopText(language="en", title=poll.title, description=""))
    db.session.add(workshop)
    db.session.flush()
    poll.workshop_id = workshop.id
    poll.closed = True
    db.session.flush()
    record(poll.setting_id, "poll.chosen", poll, slot_id=slot.id, workshop_id=workshop.id)
    return workshop
