"""Use-cases of the action plan: choices, save with audit, progress, and actions for the evidence pack."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.evidence.action_forms import ActionForm
from app.evidence.models import DONE, DROPPED, Action, ActionLink
from app.extensions import db
from app.families.forms import language_choices
from app.families.models import Child, Room
from app.i18n import _s


def fill_choices(form: ActionForm, setting_id: int, today: date, keep=()) -> None:
    """Offer the setting's own staff, families on roll (and any already linked), rooms and languages."""
    form.owner_id.choices = [(0, _s("Choose a member of staff"))] + [(u.id, u.name) for u in db.session.scalars(
        select(User).where(User.setting_id == setting_id, User.active.is_(True)).order_by(User.name))]
    children = db.session.scalars(
        select(Child).where(Child.setting_id == setting_id,
                            or_(Child.leaving_date.is_(None), Child.leaving_date >= today, Child.id.in_(list(keep))))
        .order_by(Child.first_name, Child.last_name, Child.id))
    form.families.choices = [(c.id, c.full_name) for c in children]
    form.rooms.choices = [(r.id, r.name) for r in db.session.scalars(
        select(Room).where(Room.setting_id == setting_id).order_by(Room.name))]
    form.languages.choices = language_choices()


def form_data(action: Action) -> dict:
    """The form's initial values for an existing action."""
    return {"what": action.what, "owner_id": action.owner_id, "due_on": action.due_on, "status": action.status,
            "outcome": action.outcome, "families": [link.child_id for link in action.links if link.child_id],
            "rooms": [link.room_id for link in action.links if link.room_id],
            "languages": [link.language for link in action.links if link.language]}


def _links(form: ActionForm) -> set[tuple]:
    return ({("child", i) for i in form.families.data or []} | {("room", i) for i in form.rooms.data or []}
            | {("language", code) for code in form.languages.data or []})


def save(action: Action, form: ActionForm, user, today: date) -> None:
    """Apply a validated form to `action` (new or existing), with one audit entry saying what changed."""
    new = action.id is None
    before = {} if new else form_data(action)
    action.what = form.what.data.strip()
    action.owner_id = form.owner_id.data
    action.due_on = form.due_on.data
    action.outcome = (form.outcome.data or "").strip()
    if form.status.data != action.status or new:
        action.closed_on = today if form.status.data in (DONE, DROPPED) else None
    action.status = form.status.data
    wanted = _links(form)
    current = {(_link_key(link)): link for link in action.links}
    for key, link in current.items():
        if key not in wanted:
            action.links.remove(link)
    for kind, value in sorted(wanted - set(current), key=str):
        action.links.append(ActionLink(**{"child_id" if kind == "child" else
                                          "room_id" if kind == "room" else "language": value}))
    if new:
        action.created_by_id = user.id
        db.session.add(action)
    db.session.flush()
    after = form_data(action)
    changed = {k: after[k] for k in after if before.get(k) != after[k]}
    if "due_on" in changed:
        changed["due_on"] = changed["due_on"].isoformat()
    record(action.setting_id, "action.create" if new else "action.update", action, actor=user, **changed)


def _link_key(link: ActionLink) -> tuple:
    if link.child_id:
        return ("child", link.child_id)
    if link.room_id:
        return ("room", link.room_id)
    return ("language", link.language)


def link_labels(action: Action) -> list[str]:
    """What the action is for, in words: families, then rooms, then languages."""
    languages = current_app.config["LANGUAGES"]
    links = action.links
    return ([link.child.full_name for link in links if link.child is not None]
            + [link.room.name for link in links if link.room is not None]
            + [languages.get(link.language, link.language) for link in links if link.language])


def actions_for(setting_id: int, status: str | None = None) -> list[Action]:
    """The setting's actions, open ones first, then by date."""
    q = (select(Action).where(Action.setting_id == setting_id)
         .options(selectinload(Action.owner), selectinload(Action.links).selectinload(ActionLink.child),
                  selectinload(Action.links).selectinload(ActionLink.room)))
    if status:
        q = q.where(Action.status == status)
    actions = list(db.session.scalars(q.order_by(Action.due_on, Action.id)))
    return sorted(actions, key=lambda a: not a.is_open)


@dataclass
class Progress:
    done: int
    counted: int  # every action but the dropped ones
    dropped: int
    overdue: int


def progress(actions: list[Action], today: date) -> Progress:
    """n of m done (dropped ones left out of m), and how many are overdue."""
    dropped = sum(a.status == DROPPED for a in actions)
    return Progress(done=sum(a.status == DONE for a in actions), counted=len(actions) - dropped, dropped=dropped,
                    overdue=sum(a.overdue(today) for a in actions))


def actions_in_range(setting_id: int, start: date, end: date) -> list[Action]:
    """Actions that were under way at some time between `start` and `end` (inclusive): made by `end`
    and not closed before `start`. For the evidence pack: what, who, by when, status, outcome, links."""
    made_by = datetime.combine(end + timedelta(days=1), time(), timezone.utc)
    q = (select(Action).where(Action.setting_id == setting_id, Action.created_at < made_by,
                              or_(Action.closed_on.is_(None), Action.closed_on >= start))
         .options(selectinload(Action.owner), selectinload(Action.links).selectinload(ActionLink.child),
                  selectinload(Action.links).selectinload(ActionLink.room))
         .order_by(Action.due_on, Action.id))
    return list(db.session.scalars(q))

