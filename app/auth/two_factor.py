"""Two-step login for staff: a TOTP authenticator app (RFC 6238) and single-use recovery codes."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, select

from app.audit.services import record
from app.auth.models import RecoveryCode, User
from app.clock import utcnow
from app.extensions import db
from app.security import MANAGER

ISSUER = "Homelink"
RECOVERY_CODES = 10
# A code is accepted in its own 30-second step and the one before or after (clocks drift).
VALID_WINDOW = 1


def required_for(user: User) -> bool:
    """True when this account must use two-step login (a manager, and the setting asks for it)."""
    return user.role == MANAGER and bool(user.setting.require_manager_totp)


def new_secret() -> str:
    """A secret for setting up an authenticator app; the account keeps it once a code confirms it."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=f"{ISSUER} ({user.setting.name})")


def qr_svg(user: User, secret: str) -> str:
    """The QR code of provisioning_uri, as inline SVG drawn on the server (no script, no request)."""
    import segno

    return segno.make(provisioning_uri(user, secret), error="m").svg_inline(scale=4)


def grouped_key(secret: str) -> str:
    """The secret for typing in by hand, in groups of four."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is, within the window, or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def check_code(user: User, code: str) -> bool:
    """A current code from the app, not used before (a code seen once is refused the second time)."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, utcnow())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def confirm_enrolment(user: User, secret: str, code: str) -> list[str] | None:
    """Turn two-step login on when the code matches the new secret; returns fresh recovery codes."""
    if user.totp_enabled or _matching_step(secret, code, utcnow()) is None:
        return None
    user.totp_secret = secret
    check_code(user, code)  # spends this code
    user.totp_enabled_at = utcnow()
    codes = new_recovery_codes(user)
    record(user.setting_id, "staff.two_factor_on", user, actor=user)
    return codes


def turn_off(user: User, actor: User) -> None:
    """Two-step login off: secret and recovery codes forgotten (audited)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(user.setting_id, "staff.two_factor_off", user, actor=actor)


def _code_hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace this account's recovery codes; returns them (shown once, only hashes are kept)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(8)  # 64 bits each
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}-{raw[12:]}")
        db.session.add(RecoveryCode(setting_id=user.setting_id, user_id=user.id, code_hash=_code_hash(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code of this account (audited); False when it is unknown or used."""
    found = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code), RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    found.used_at = utcnow()
    record(user.setting_id, "staff.recovery_code_used", user, actor=user)
    return True


def recovery_codes_left(user: User) -> int:
    """Unused recovery codes of this account."""
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())
