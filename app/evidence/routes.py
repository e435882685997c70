"""The evidence blueprint; its pages register on `bp` from their own modules (see app/__init__.py)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/evidence", template_folder="templates")
