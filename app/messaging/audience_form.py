"""The audience choices shared by newsletters and surveys: form fields, choices, stored and outbox shapes."""
from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField

from app.auth.models import User
from app.extensions import db
from app.families.models import Room
from app.i18n import _sl
from app.lists.services import lists_for
from app.security import KEY_PERSON

AUDIENCE_LABELS = {
    "all": _sl("Every family"),
    "rooms": _sl("Families of children in these rooms"),
    "key_groups": _sl("Families in these key groups"),
    "starting": _sl("Families of children starting in the next four weeks"),
    "leaving": _sl("Families of children leaving in the next four weeks"),
    "saved_list": _sl("A saved list"),
}
AUDIENCE_KINDS = tuple(AUDIENCE_LABELS)
PER_CHILD = ("rooms", "key_groups", "starting", "leaving")
WINDOW_DAYS = 28  # "starting soon" / "leaving soon": within the next four weeks


def _int_or_zero(value) -> int:
    """A posted id, or 0 when it is missing or not a number."""
    return int(value) if str(value).isdigit() else 0


class AudienceForm(FlaskForm):
    """Base form with the audience fields; feature forms inherit it and add their own fields."""

    audience_kind = RadioField(_sl("Audience"), default="all", choices=list(AUDIENCE_LABELS.items()))
    rooms = SelectMultipleField(_sl("Rooms"), coerce=int, validate_choice=False)
    key_groups = SelectMultipleField(_sl("Key groups"), coerce=int, validate_choice=False)
    saved_list = SelectField(_sl("Saved list"), coerce=_int_or_zero, validate_choice=False)
    pr_only = BooleanField(_sl("Only contacts with parental responsibility"))
    one_per_family = RadioField(_sl("Who in each family"), default="every", choices=[
        ("every", _sl("Every contact")), ("one", _sl("One per family (the first contact)"))])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for kind, field, message in (("rooms", self.rooms, _sl("Choose at least one room.")),
                                     ("key_groups", self.key_groups, _sl("Choose at least one key group."))):
            if self.audience_kind.data != kind:
                continue
            offered = {c[0] for c in field.choices or []}
            if not field.data:
                field.errors.append(message)
                ok = False
            elif any(i not in offered for i in field.data):
                field.errors.append(_sl("Choose from the list."))
                ok = False
        if self.audience_kind.data == "saved_list" and self.saved_list.data not in {
                c[0] for c in self.saved_list.choices or []}:
            self.saved_list.errors.append(_sl("Choose a saved list."))
            ok = False
        return ok


def fill_choices(form: AudienceForm, setting_id: int) -> None:
    """Offer the setting's own rooms and key persons (nothing from another setting)."""
    form.rooms.choices = [(r.id, r.name) for r in db.session.scalars(
        select(Room).where(Room.setting_id == setting_id).order_by(Room.name))]
    form.key_groups.choices = [(u.id, u.name) for u in db.session.scalars(
        select(User).where(User.setting_id == setting_id, User.role == KEY_PERSON).order_by(User.name))]
    form.saved_list.choices = [(s.id, s.name) for s in lists_for(setting_id)]


def stored(form: AudienceForm) -> dict:
    """The form's audience as stored on a record: kind, ids (only offered ones), pr_only, one_per_family."""
    kind = form.audience_kind.data if form.audience_kind.data in AUDIENCE_KINDS else "all"
    fields = {"rooms": form.rooms, "key_groups": form.key_groups, "saved_list": form.saved_list}
    field = fields.get(kind)
    ids = ([field.data] if kind == "saved_list" else field.data) if field is not None else []
    allowed = {c[0] for c in (field.choices or [])} if field is not None else set()
    return {"kind": kind, "ids": [i for i in ids or [] if i in allowed], "pr_only": bool(form.pr_only.data),
            "one_per_family": form.one_per_family.data == "one"}


def form_data(audience: dict | None) -> dict:
    """Initial form data for a stored audience."""
    a = audience or {}
    kind = a.get("kind", "all")
    return {"audience_kind": kind, "pr_only": a.get("pr_only", False),
            "one_per_family": "one" if a.get("one_per_family") else "every",
            "rooms": a.get("ids") if kind == "rooms" else [],
            "key_groups": a.get("ids") if kind == "key_groups" else [],
            "saved_list": (a.get("ids") or [0])[0] if kind == "saved_list" else 0}


def to_outbox(audience: dict | None) -> dict:
    """A stored audience in the shape app.messaging.outbox understands."""
    a = audience or {}
    if "kind" not in a:  # already in the outbox's shape (e.g. {"all": True} or {"rooms": [...]})
        return dict(a) or {"all": True}
    kind = a.get("kind", "all")
    if kind == "saved_list":  # exactly the list's contacts, read when the message is expanded
        return {"saved_list": (a.get("ids") or [0])[0]}
    out: dict = {"all": True}
    if kind in ("rooms", "key_groups"):
        out = {kind: list(a.get("ids") or [])}
    elif kind in ("starting", "leaving"):
        out = {kind: WINDOW_DAYS}
    if a.get("pr_only"):
        out["pr_only"] = True
    if a.get("one_per_family"):
        out["one_per_family"] = True
    return out
