"""A setting (nursery, pre-school, children's centre): the tenant every record belongs to."""
from __future__ import annotations

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.columns import TimestampMixin
from app.extensions import db


class Setting(TimestampMixin, db.Model):
    """One early-years setting; one install may hold several (a local authority's centres)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    phone_region: Mapped[str] = mapped_column(String(2), default="GB")
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    # How parents contact Ofsted: told in every complaint acknowledgement and outcome.
    ofsted_phone: Mapped[str | None] = mapped_column(String(32), default="0300 123 1231")
    ofsted_email: Mapped[str | None] = mapped_column(String(254), default="enquiries@ofsted.gov.uk")
    ofsted_address: Mapped[str | None] = mapped_column(Text, default="Ofsted, Piccadilly Gate, Store Street, Manchester M1 2WD")
    # Managers must use two-step login (an authenticator app) to reach any staff page.
    require_manager_totp: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Setting {self.slug}>"
