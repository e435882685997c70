"""Consents and their history (PECR: promotional messages only with consent).

The contact's `consent_<name>` columns hold the current answer; every change is a ConsentEvent
(who, when, how, what), written here and only here.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask_login import current_user
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.families.models import CONSENTS, Contact
from app.privacy.models import HOW_IMPORT, HOW_STAFF, ConsentEvent


def _actor(actor, how: str):
    """The member of staff acting: given, or (for a staff change only) the logged-in user. A parent's
    choice or an unsubscribe link is never put down to a member of staff logged in on the same browser."""
    if actor is not None or how not in (HOW_STAFF, HOW_IMPORT):
        return actor
    try:
        return current_user if current_user.is_authenticated else None
    except (AttributeError, RuntimeError):
        return None


def set_consent(contact: Contact, name: str, given: bool, how: str, actor=None, label: str | None = None,
                initial: bool = False) -> bool:
    """Record `name` as given/withdrawn for the contact; True when it changed (or `initial`: always noted)."""
    if name not in CONSENTS:
        raise ValueError(f"unknown consent {name!r}")
    attr = f"consent_{name}"
    if not initial and bool(getattr(contact, attr)) == bool(given):
        return False
    setattr(contact, attr, bool(given))
    actor = _actor(actor, how)
    by_label = actor.name if actor is not None else (label or how)
    db.session.add(ConsentEvent(setting_id=contact.setting_id, contact_id=contact.id, consent=name,
                                given=bool(given), how=how, by_user_id=getattr(actor, "id", None),
                                by_label=by_label))
    # Not staff: name the parent / link / import in the audit log (never a staff session on the same browser).
    who = actor if actor is not None else SimpleNamespace(id=None, name=by_label)
    record(contact.setting_id, "consent.given" if given else "consent.withdrawn", contact, actor=who,
           consent=name, how=how)
    return True


def set_consents(contact: Contact, values: dict[str, bool], how: str, actor=None, label: str | None = None,
                 initial: bool = False) -> list[str]:
    """Several consents at once ({"photos": True, …}); returns the names that changed."""
    return [name for name, given in values.items()
            if set_consent(contact, name, given, how, actor=actor, label=label, initial=initial)]


def history(contact_id: int) -> list[ConsentEvent]:
    """The contact's consent history, oldest first."""
    return list(db.session.scalars(select(ConsentEvent).where(ConsentEvent.contact_id == contact_id)
                                   .order_by(ConsentEvent.at, ConsentEvent.id)))
