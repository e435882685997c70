"""Figures kept for a while, so the dashboard does not count a million deliveries on every visit.

A finished term's figures hardly change: they are counted again after PAST_MAX_AGE. This term's are
counted again after CURRENT_MAX_AGE, or at once when the PICO asks ("Count again now").
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import JSON, Date, UniqueConstraint, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.columns import TenantMixin, UTCDateTime
from app.evidence.figures import Figures, figures
from app.extensions import db

CURRENT_MAX_AGE = timedelta(minutes=10)
PAST_MAX_AGE = timedelta(hours=12)


class FigureSnapshot(TenantMixin, db.Model):
    """One period's figures for one setting, as counted at `computed_at`."""

    __table_args__ = (UniqueConstraint("setting_id", "start", "end", name="uq_figure_snapshot_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    values: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


def kept_figures(setting, period, today: date, refresh: bool = False) -> tuple[Figures, datetime]:
    """The period's figures and when they were counted: kept ones while fresh enough, else counted now."""
    now = utcnow()
    max_age = PAST_MAX_AGE if period.end < today else CURRENT_MAX_AGE
    kept = db.session.execute(select(FigureSnapshot.values, FigureSnapshot.computed_at).where(
        FigureSnapshot.setting_id == setting.id, FigureSnapshot.start == period.start,
        FigureSnapshot.end == period.end)).first()
    if kept is not None and not refresh and now - kept.computed_at < max_age:
        known = {k: v for k, v in kept.values.items() if k in Figures.__dataclass_fields__}
        return Figures(**known), kept.computed_at
    counted = figures(setting, period)
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    row = {"setting_id": setting.id, "start": period.start, "end": period.end, "values": counted.as_dict(),
           "computed_at": now}
    db.session.execute(insert(FigureSnapshot).values(row).on_conflict_do_update(
        index_elements=["setting_id", "start", "end"], set_={"values": row["values"], "computed_at": now}))
    return counted, now
