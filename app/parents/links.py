"""Personal links: issue, open, revoke; and the short parent session they open.

A link is `/l/<token>`, where the token is `<random>.<signature>`:
- `random`: 24 bytes (192 bits) from `secrets`, so it cannot be guessed; only its SHA-256 is stored.
- `signature`: an HMAC of `random` keyed from SECRET_KEY (or one of SECRET_KEY_FALLBACKS), so a
  tampered or made-up token is refused before the database is asked. Changing SECRET_KEY without
  keeping the old key in SECRET_KEY_FALLBACKS therefore revokes every link.
Each token is scoped to one contact and one purpose (family page, a survey, an RSVP …, with an
optional scope id such as the survey invitation), expires, and can be revoked one by one
(`revoke`) or all at once for a contact (`revoke_all`; restricting a contact also refuses them).

Opening a link clears the browser session, starts a short parent session for that one link and
redirects to a clean URL, so the token never stays in the address bar, the history or a Referer.
A link can be opened many times until it expires (mail scanners that follow links do not use it up).

A feature that sends its own links (surveys, RSVPs …) registers a purpose and guards its pages:

    bp.record_once(lambda state: links.register_purpose(state.app, "survey", "surveys.answer"))

    @bp.route("/survey", methods=["GET", "POST"])
    @parent_required("survey")            # from app.parents.routes
    def answer():
        parent = links.current_parent()   # .contact, .purpose, .scope_id (e.g. the invitation id)

and puts `link_url(issue_link(contact, "survey", scope_id=invitation.id))` in its message.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import Flask, current_app, g, session, url_for
from flask_login import logout_user
from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from app.clock import utcnow
from app.extensions import db
from app.families.models import Contact
from app.parents.models import LinkToken

FAMILY = "family"
SESSION_KEY = "parent"
RANDOM_BYTES = 24
SIGNATURE_BYTES = 16
MAX_TOKEN_LENGTH = 100
_EXTENSION_KEY = "homelink_link_purposes"


class LinkError(Exception):
    """A link that cannot be used; `reason` is unknown, expired or revoked."""

    def __init__(self, reason: str, contact: Contact | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.contact = contact


# --- purposes: which page a link of each purpose opens ------------------------------------------

def register_purpose(app: Flask, purpose: str, endpoint: str) -> None:
    """Let links of `purpose` be issued; opening one lands on `endpoint` (a view guarded by
    `parent_required(purpose)`). Call it from the feature blueprint's `record_once`."""
    if not purpose or len(purpose) > 32:
        raise ValueError("a purpose is a short name (at most 32 characters)")
    app.extensions.setdefault(_EXTENSION_KEY, {})[purpose] = endpoint


def purposes() -> dict[str, str]:
    """The registered purposes of this app and the endpoint each one opens."""
    return current_app.extensions.get(_EXTENSION_KEY, {})


def landing_url(purpose: str) -> str:
    """The clean URL a link of `purpose` redirects to."""
    return url_for(purposes()[purpose])


# --- tokens -----------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _keyed(secret: bytes) -> hmac.HMAC:
    """The HMAC keyed from a secret, kept: a bulk send signs a token per recipient."""
    return hmac.new(hashlib.sha256(b"homelink personal link\0" + secret).digest(), digestmod=hashlib.sha256)


def _signature(key: str | bytes, body: str) -> str:
    mac = _keyed(key.encode() if isinstance(key, str) else key).copy()
    mac.update(body.encode())
    return base64.urlsafe_b64encode(mac.digest()[:SIGNATURE_BYTES]).rstrip(b"=").decode()


def _signing_keys() -> list:
    return [current_app.secret_key, *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]


def _verified_body(token: str) -> str | None:
    """The random part of a correctly signed token, else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    body, dot, signature = token.partition(".")
    if not dot or not body or not signature:
        return None
    given = signature.encode()
    for key in _signing_keys():
        if key and hmac.compare_digest(given, _signature(key, body).encode()):
            return body
    return None


def _hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def issue_link(contact: Contact, purpose: str = FAMILY, scope_id: int | None = None,
               expires_at: datetime | None = None) -> str:
    """Create a personal link token for `contact`; returns the secret (shown once, never stored)."""
    if purpose not in purposes():
        raise ValueError(f"no page is registered for links of purpose {purpose!r}")
    body = secrets.token_urlsafe(RANDOM_BYTES)
    if expires_at is None:
        expires_at = utcnow() + timedelta(days=current_app.config["FAMILY_LINK_DAYS"])
    db.session.add(LinkToken(
        setting_id=contact.setting_id,
        token_hash=_hash(body),
        contact_id=contact.id,
        purpose=purpose,
        scope_id=scope_id,
        contact_link_version=contact.link_version,
        expires_at=expires_at,
    ))
    db.session.flush()
    return f"{body}.{_signature(current_app.secret_key, body)}"


def issue_links(contacts: list[Contact], purpose: str = FAMILY, scope_id: int | None = None) -> list[str]:
    """Like issue_link for many contacts at once (one INSERT); returns their tokens in order."""
    if purpose not in purposes():
        raise ValueError(f"no page is registered for links of purpose {purpose!r}")
    now = utcnow()
    expires_at = now + timedelta(days=current_app.config["FAMILY_LINK_DAYS"])
    bodies = [secrets.token_urlsafe(RANDOM_BYTES) for _ in contacts]
    if contacts:
        db.session.execute(insert(LinkToken.__table__), [
            {"setting_id": contact.setting_id, "token_hash": _hash(body), "contact_id": contact.id,
             "purpose": purpose, "scope_id": scope_id, "contact_link_version": contact.link_version,
             "created_at": now, "expires_at": expires_at}
            for contact, body in zip(contacts, bodies)])
    return [f"{body}.{_signature(current_app.secret_key, body)}" for body in bodies]


def link_url(token: str) -> str:
    """The absolute URL of a personal link, on the configured public base URL (works in jobs too)."""
    return link_urls([token])[0]


def link_urls(tokens: list[str]) -> list[str]:
    """`link_url` of each token (the URL map bound once)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("localhost")
    return [base + adapter.build("parents.open_link", {"token": token}) for token in tokens]


def find_link(token: str) -> LinkToken | None:
    """The stored link of a correctly signed token (None for a tampered or unknown one)."""
    body = _verified_body(token)
    if body is None:
        return None
    return db.session.scalar(select(LinkToken).where(LinkToken.token_hash == _hash(body)))


def refusal(link, contact) -> str | None:
    """Why `link`, of `contact`, cannot be used now (unknown, revoked or expired), or None when it can.
    Either may be the ORM object or a row with the same column names."""
    if link.purpose not in purposes():
        return "unknown"
    if link.revoked_at is not None or link.contact_link_version != contact.link_version or contact.restricted:
        return "revoked"
    if link.expires_at <= utcnow():
        return "expired"
    return None


def check(link: LinkToken | None) -> LinkToken:
    """Raise LinkError unless the link is current."""
    if link is None:
        raise LinkError("unknown")
    reason = refusal(link, link.contact)
    if reason is not None:
        raise LinkError(reason, None if reason == "unknown" else link.contact)
    return link


def open_link(token: str) -> LinkToken:
    """Validate a token from a URL and start the parent session it grants (nothing changes when
    the token cannot be used)."""
    link = check(find_link(token))
    now = utcnow()
    link.last_used_at = now
    ends = min(link.expires_at, now + timedelta(minutes=current_app.config["PARENT_SESSION_MINUTES"]))
    # One browser, one identity: a fresh session, no staff login and no earlier switcher choice,
    # so the page opens in the parent's own language.
    session.clear()
    logout_user()
    session[SESSION_KEY] = {"link": link.id, "ends": ends.isoformat()}
    g.parent_session = ParentSession(link)
    g.parent_language = link.contact.language
    g.setting = link.contact.setting
    return link


def end_session() -> None:
    """Forget the parent session of this browser (the 'leave' button)."""
    session.pop(SESSION_KEY, None)
    session.pop("lang", None)
    g.parent_session = None


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


def session_link_id() -> int | None:
    """The link of this browser's parent session while the session lasts (the link itself unchecked)."""
    data = session.get(SESSION_KEY)
    try:
        return int(data["link"]) if data and datetime.fromisoformat(data["ends"]) > utcnow() else None
    except (KeyError, TypeError, ValueError):
        return None


def current_parent() -> ParentSession | None:
    """The parent session of this request, if any and still valid (checked on every request)."""
    if "parent_session" in g:
        return g.parent_session
    g.parent_session = None
    if SESSION_KEY not in session:
        return None
    link_id = session_link_id()
    try:
        # every parent request needs the link, its contact and the setting: one query, not three
        with_contact = [joinedload(LinkToken.contact).joinedload(Contact.setting)]
        link = check(db.session.get(LinkToken, link_id, options=with_contact)) if link_id else None
    except LinkError:
        link = None
    if link is None:
        session.pop(SESSION_KEY, None)
    else:
        g.parent_session = ParentSession(link)
        g.parent_language = link.contact.language
        g.setting = link.contact.setting
    return g.parent_session


def checks_own_link(view):
    """Mark a view that checks the parent's link in a query of its own, for the pages every family
    opens after a send: the app's before-request hook then leaves the parent session unloaded, and
    the view calls `current_parent()` only where it needs the whole of it."""
    view.checks_own_link = True
    return view


def revoke(link: LinkToken) -> None:
    """Invalidate one link (and the session it opened)."""
    link.revoked_at = utcnow()
    db.session.flush()


def revoke_all(contact: Contact) -> None:
    """Invalidate every link ever issued to `contact` (and their open sessions)."""
    contact.link_version += 1
    db.session.flush()
