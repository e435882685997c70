"""The front door: where '/' goes, and the language switcher everyone can use."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from app.config import LANGUAGES
from app.security import SETTING_WIDE

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Managers and the PICO go to the involvement dashboard, other staff to their families list;
    everyone else to the login page."""
    if current_user.is_authenticated:
        if current_user.role in SETTING_WIDE:
            return redirect(url_for("evidence.dashboard"))
        return redirect(url_for("families.children"))
    return redirect(url_for("auth.login"))


@bp.post("/language")
def choose_language():
    """Remember the chosen language for this browser session and go back where we were."""
    code = request.form.get("lang", "")
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


def _safe_next(target: str | None) -> str:
    """Only same-site paths, never another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")
