"""Illness notices (rooms affected, no child named) and urgent notices to the whole setting."""
from __future__ import annotations

from sqlalchemy import select

from app.alerts import texts
from app.alerts.models import Illness
from app.audit.services import record
from app.extensions import db
from app.families.models import Room
from app.messaging.models import URGENT
from app.messaging.services import create_message


def illnesses(setting) -> list[Illness]:
    """The manager's illness list, by name."""
    return list(db.session.scalars(select(Illness).where(Illness.setting_id == setting.id)
                                   .order_by(Illness.name)))


def save_illness(setting, name: str, names: dict, guidance: dict, illness: Illness | None = None) -> Illness:
    """Add or change an illness on the list (empty translations are dropped)."""
    illness = illness or Illness(setting_id=setting.id)
    illness.name = name.strip()
    illness.names = {k: v.strip() for k, v in names.items() if v and v.strip()}
    illness.guidance = {k: v.strip() for k, v in guidance.items() if v and v.strip()}
    db.session.add(illness)
    db.session.flush()
    return illness


def illness_notice(setting, illness: Illness, room_ids: list[int], actor) -> int:
    """Create the urgent illness notice to every family in the rooms; returns the message id."""
    rooms = list(db.session.scalars(select(Room).where(Room.setting_id == setting.id, Room.id.in_(room_ids))
                                    .order_by(Room.name)))
    if not rooms:
        raise ValueError("no rooms")
    names = ", ".join(r.name for r in rooms)
    message = create_message(setting, category="health", channels="both", urgency=URGENT,
                             audience={"rooms": [r.id for r in rooms]}, audience_label=f"Illness: {names}",
                             versions=texts.illness_versions(setting, illness, names), created_by=actor)
    record(setting.id, "alerts.illness_notice", message, actor=actor, illness=illness.name, rooms=names)
    return message.id


def urgent_notice(setting, words: dict[str, str], actor) -> int:
    """Create the urgent notice (emergency closure) to every family, text and email; returns its id."""
    message = create_message(setting, category="closure", channels="both", urgency=URGENT,
                             audience={"all": True}, audience_label="Urgent notice: everyone",
                             versions=texts.closure_versions(setting, words), created_by=actor)
    record(setting.id, "alerts.urgent_notice", message, actor=actor)
    return message.id
