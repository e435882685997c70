"""Personal links: issue, open, revoke; and the short parent session they open.

A link is `/l/<token>`: 32 random bytes (256 bits) from `secrets`; only the SHA-256 is stored.
Opening it starts a short session for that contact and purpose, then redirects to a clean URL,
so the token never stays in the address bar, the history or a Referer header.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, session, url_for
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.families.models import Contact
from app.parents.models import LinkToken

FAMILY = "family"
SESSION_KEY = "parent"


class LinkError(Exception):
    """A link that cannot be used; `reason` is unknown, expired or revoked."""

    def __init__(self, reason: str, contact: Contact | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.contact = contact


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(contact: Contact, purpose: str = FAMILY, scope_id: int | None = None,
               expires_at: datetime | None = None) -> str:
    """Create a personal link token for `contact`; returns the secret (shown once, never stored)."""
    token = secrets.token_urlsafe(32)
    if expires_at is None:
        expires_at = utcnow() + timedelta(days=current_app.config["FAMILY_LINK_DAYS"])
    db.session.add(LinkToken(
        setting_id=contact.setting_id,
        token_hash=_hash(token),
        contact_id=contact.id,
        purpose=purpose,
        scope_id=scope_id,
        contact_link_version=contact.link_version,
        expires_at=expires_at,
    ))
    return token


def link_url(token: str) -> str:
    """The absolute URL of a personal link, on the configured public base URL."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("parents.open_link", token=token)


def check(link: LinkToken | None) -> LinkToken:
    """Raise LinkError unless the link is current."""
    if link is None:
        raise LinkError("unknown")
    if link.revoked_at is not None or link.contact_link_version != link.contact.link_version:
        raise LinkError("revoked", link.contact)
    if link.expires_at <= utcnow():
        raise LinkError("expired", link.contact)
    if link.contact.restricted:
        raise LinkError("revoked", link.contact)
    return link


def open_link(token: str) -> LinkToken:
    """Validate a token from a URL and start the parent session it grants."""
    if not token or len(token) > 100:
        raise LinkError("unknown")
    link = check(db.session.scalar(select(LinkToken).where(LinkToken.token_hash == _hash(token))))
    link.last_used_at = utcnow()
    ends = min(link.expires_at, utcnow() + timedelta(minutes=current_app.config["PARENT_SESSION_MINUTES"]))
    session.pop("lang", None)  # the parent's own language first; the switcher may change it
    session[SESSION_KEY] = {"link": link.id, "ends": ends.isoformat()}
    return link


@dataclass
class ParentSession:
    """What the current browser may see: one contact, through one link."""

    link: LinkToken

    @property
    def contact(self) -> Contact:
        return self.link.contact

    @property
    def purpose(self) -> str:
        return self.link.purpose

    @property
    def scope_id(self) -> int | None:
        return self.link.scope_id


def current_parent() -> ParentSession | None:
    """The parent session of this request, if any and still valid (checked on every request)."""
    if "parent_session" in g:
        return g.parent_session
    g.parent_session = None
    data = session.get(SESSION_KEY)
    if data:
        try:
            ends = datetime.fromisoformat(data["ends"])
            link = check(db.session.get(LinkToken, data["link"])) if ends > utcnow() else None
        except (LinkError, KeyError, TypeError, ValueError):
            link = None
        if link is None:
            session.pop(SESSION_KEY, None)
        else:
            g.parent_session = ParentSession(link)
            g.parent_contact = link.contact
            g.setting = link.contact.setting
    return g.parent_session


def revoke_all(contact: Contact) -> None:
    """Invalidate every link ever issued to `contact` (and their open sessions)."""
    contact.link_version += 1
