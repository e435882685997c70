"""Public endpoints: Twilio callbacks (signed) and one-click unsubscribe (cookieless)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("webhooks", __name__, template_folder="templates")
