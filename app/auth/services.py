"""Staff accounts: loading, authenticating, creating."""
from __future__ import annotations

from sqlalchemy import func, select

from app.audit.services import record
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.security import ROLES

MIN_PASSWORD_LENGTH = 10


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: 'id:version'; an old version (logged out everywhere) loads nobody."""
    try:
        raw_id, raw_version = user_id.split(":")
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or str(user.session_version) != raw_version:
        return None
    return user


def find_by_email(email: str) -> User | None:
    """Case-insensitive look-up by email."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = find_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def create_user(setting_id: int, email: str, name: str, role: str, password: str,
                room_id: int | None = None, actor=None) -> User:
    """Add a member of staff (audited)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if find_by_email(email) is not None:
        raise ValueError("a staff account with that email already exists")
    user = User(setting_id=setting_id, email=email.strip().lower(), name=name.strip(), role=role, room_id=room_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(setting_id, "staff.created", user, actor=actor, role=role, email=user.email)
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every login of this user (after a password or role change)."""
    user.session_version += 1
