"""Staff pages of messaging: delivery reports, SMS replies, the development outbox."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("messaging", __name__, template_folder="templates")
