"""Figures kept for a while, so the dashboard does not count a million deliveries on every visit, nor the
reach report look at every family and every fallback delivery for each page of its lists.

A finished term's figures hardly change: they are counted again after PAST_MAX_AGE. This term's, and
the reach report's lists, are counted again after CURRENT_MAX_AGE, or at once when the PICO asks
("Count again now"). Both pages say when they were counted.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import (JSON, Date, Integer, Select, String, UniqueConstraint, and_, bindparam, delete, insert, select,
                        union_all)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.columns import TenantMixin, UTCDateTime
from app.evidence.figures import Figures, figures
from app.evidence import reach
from app.evidence.reach import Fallback, Unreached
from app.evidence.terms import term_containing
from app.extensions import db
from app.families.models import Child, Contact, Room

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


FAMILIES, FALLBACKS = "families", "fallbacks"  # the reach report's two lists


class ReachSnapshot(TenantMixin, db.Model):
    """When the reach report's lists were counted for one setting, and how many rows each has (ReachRow)."""

    __table_args__ = (UniqueConstraint("setting_id", name="uq_reach_snapshot_setting"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    families: Mapped[int] = mapped_column(Integer)
    fallbacks: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReachRow(TenantMixin, db.Model):
    """One row of a kept reach list, in its place, so that a page reads only its own rows. Ids, reasons and
    counts only: names are read when the page is shown (kept_page), so no personal details are kept.

    FAMILIES: a family no message reaches; subject = the child, detail = [[contact id, why], …].
    FALLBACKS: an adult sent another language this term; subject = the contact, detail = [messages, last
    message id]."""

    __table_args__ = (UniqueConstraint("setting_id", "list_name", "position", name="uq_reach_row_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    subject_id: Mapped[int] = mapped_column(Integer)
    detail: Mapped[list] = mapped_column(JSON)


def _upsert(model, index_elements: list[str], row: dict) -> None:
    """Insert the row, or update the one with the same keys (one statement, safe when two visits race)."""
    dialect_insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    changed = {k: v for k, v in row.items() if k not in index_elements}
    db.session.execute(dialect_insert(model).values(row)
                       .on_conflict_do_update(index_elements=index_elements, set_=changed))


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
    _upsert(FigureSnapshot, ["setting_id", "start", "end"], {
        "setting_id": setting.id, "start": period.start, "end": period.end, "values": counted.as_dict(),
        "computed_at": now})
    return counted, now


class Counted(NamedTuple):
    families: int  # rows in each list
    fallbacks: int
    at: datetime


def kept_reach(setting, today: date, refresh: bool = False) -> Counted:
    """When the reach report's lists were counted, and how long they are: the kept ones while fresh
    enough, else counted now (their rows replaced)."""
    now = utcnow()
    kept = db.session.execute(select(ReachSnapshot.families, ReachSnapshot.fallbacks, ReachSnapshot.computed_at)
                              .where(ReachSnapshot.setting_id == setting.id)).first()
    if kept is not None and not refresh and now - kept.computed_at < CURRENT_MAX_AGE:
        return Counted(*kept)
    families = [[f.child_id, [[contact_id, why] for contact_id, _name, why in f.contacts]]
                for f in reach.unreached(setting, today)]
    adults = [[a.id, [a.messages, a.last_message]] for a in reach.fallbacks(setting, term_containing(today))]
    # The snapshot first: its row lock makes a second count of the same setting wait for this one.
    _upsert(ReachSnapshot, ["setting_id"], {"setting_id": setting.id, "families": len(families),
                                            "fallbacks": len(adults), "computed_at": now})
    db.session.execute(delete(ReachRow).where(ReachRow.setting_id == setting.id))
    rows = [{"setting_id": setting.id, "list_name": name, "position": position, "subject_id": subject,
             "detail": detail}
            for name, listed in ((FAMILIES, families), (FALLBACKS, adults))
            for position, (subject, detail) in enumerate(listed)]
    if rows:
        db.session.execute(insert(ReachRow), rows)
    return Counted(len(families), len(adults), now)


@cache
def _page_rows() -> Select:
    """Rows of both kept lists in the places asked for (one range of uq_reach_row_place each), with the names
    and the room or language they have now. Built once with bound parameters: building it costs more than
    running it."""
    def place(name: str):
        return (ReachRow.setting_id == bindparam("setting_id"), ReachRow.list_name == name,
                ReachRow.position.between(bindparam(f"{name}_first"), bindparam(f"{name}_last")))

    def theirs(model):
        return and_(model.id == ReachRow.subject_id, model.setting_id == bindparam("setting_id"))
    rows = union_all(
        select(ReachRow.list_name, ReachRow.position, ReachRow.subject_id, ReachRow.detail, Child.first_name,
               Child.last_name, Room.name.label("extra"))
        .join(Child, theirs(Child)).outerjoin(Room, Room.id == Child.room_id).where(*place(FAMILIES)),
        select(ReachRow.list_name, ReachRow.position, ReachRow.subject_id, ReachRow.detail, Contact.first_name,
               Contact.last_name, Contact.language)
        .join(Contact, theirs(Contact)).where(*place(FALLBACKS))).subquery()
    return select(rows).order_by(rows.c.list_name, rows.c.position)


def kept_page(setting_id: int, families: range, fallbacks: range) -> tuple[list[Unreached], list[Fallback]]:
    """The kept rows in these places of the two lists, with names, rooms and languages as they are now.
    A child or contact removed since the lists were counted is left out."""
    kept = db.session.execute(_page_rows(), {
        "setting_id": setting_id, f"{FAMILIES}_first": families.start, f"{FAMILIES}_last": families.stop - 1,
        f"{FALLBACKS}_first": fallbacks.start, f"{FALLBACKS}_last": fallbacks.stop - 1}).all()
    contact_ids = [contact_id for row in kept if row.list_name == FAMILIES for contact_id, _why in row.detail]
    names = {contact_id: f"{first} {last}".strip() for contact_id, first, last in db.session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name)
        .where(Contact.setting_id == setting_id, Contact.id.in_(contact_ids)))} if contact_ids else {}
    return ([Unreached(row.subject_id, f"{row.first_name} {row.last_name}", row.extra or "",
                       [(contact_id, names[contact_id], why) for contact_id, why in row.detail if contact_id in names])
             for row in kept if row.list_name == FAMILIES],
            [Fallback(row.subject_id, row.first_name, row.last_name, row.extra, *row.detail)
             for row in kept if row.list_name == FALLBACKS])
