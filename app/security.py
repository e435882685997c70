"""Staff roles and the permission checks every staff route uses."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

MANAGER = "manager"
PICO = "pico"
KEY_PERSON = "key_person"
PRACTITIONER = "practitioner"

ROLES = {
    MANAGER: "Manager",
    PICO: "Parental Involvement Co-ordinator (PICO)",
    KEY_PERSON: "Key person",
    PRACTITIONER: "Practitioner",
}
# Roles that see and act on the whole setting; the others see their own room and key group.
SETTING_WIDE = {MANAGER, PICO}


def role_required(*roles: str):
    """Decorator: the logged-in staff member must hold one of `roles`, else 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def sees_whole_setting(user=None) -> bool:
    """Managers and PICOs see every family in their setting."""
    user = user or current_user
    return user.role in SETTING_WIDE


def owned_or_404(obj):
    """404 unless `obj` exists and belongs to the logged-in staff member's setting."""
    if obj is None or obj.setting_id != current_user.setting_id:
        abort(404)
    return obj
