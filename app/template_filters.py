"""Jinja filters: dates and times in the page's locale and the setting's time zone."""
from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime

from app.families.contact_details import display_mobile
from app.privacy.crypto import unseal


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        mobile=display_mobile,
        unseal=unseal,
    )
