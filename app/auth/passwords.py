"""Password reset by email: a single-use link that expires; only the token's SHA-256 is stored.

The email goes through the messaging core to the `staff` audience, as staff reminders do. The
link is in that message's text until it is used or expires (an hour), after which it opens nothing.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

from app.audit.services import record
from app.auth import services
from app.auth.models import PasswordReset, User
from app.clock import utcnow
from app.extensions import db
from app.i18n import _s

VALID_FOR = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str) -> bool:
    """Email a reset link to the active account with this address; False (and nothing sent) otherwise.

    The caller answers the same whatever this returns, so the form does not tell who has an account."""
    user = services.find_by_email(email or "")
    if user is None or not user.active or not _can_email():
        return False
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(PasswordReset(setting_id=user.setting_id, user_id=user.id, token_hash=_hash(token),
                                 created_at=now, expires_at=now + VALID_FOR))
    record(user.setting_id, "staff.password_reset_requested", user, actor_label="password reset form")
    _send(user, token)
    return True


def _can_email() -> bool:
    """In production a reset link goes out only by real email, never into the development outbox
    (where other staff could read it)."""
    return bool(current_app.config.get("MAIL_SERVER")) or current_app.config["ENV_NAME"] != "production"


def reset_url(token: str) -> str:
    """The link in the email."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("auth.reset_password", token=token)


def _send(user: User, token: str) -> None:
    from app.messaging.services import create_message, send_now

    minutes = int(VALID_FOR.total_seconds() // 60)
    body = "\n\n".join([
        _s("Someone asked to reset the Homelink password of %(email)s.", email=user.email),
        _s("To choose a new password, open this link within %(n)s minutes. It works once:", n=minutes),
        reset_url(token),
        _s("If you did not ask for this, ignore this email: your password stays as it is."),
    ])
    message = create_message(user.setting, category="personal", channels="email", audience={"staff": [user.id]},
                             default_language="en", audience_label=_s("Password reset"),
                             versions={"en": {"subject": _s("Reset your Homelink password"), "body_text": body}})
    send_now(message.id)


def find_valid(token: str) -> PasswordReset | None:
    """The unused, unexpired reset of an active account that this token opens, or None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or not reset.user.active:
        return None
    return reset


def complete_reset(reset: PasswordReset, password: str) -> User:
    """Set the new password, spend this and every other open link of the account, end its sessions."""
    user = reset.user
    user.set_password(password)
    now = utcnow()
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                       .values(used_at=now).execution_options(synchronize_session=False))
    services.end_all_sessions(user)
    record(user.setting_id, "staff.password_reset", user, actor=user)
    return user
