"""Retention: each kind of record keeps its personal data for the period its setting says, then it is
removed or anonymised (figures stay). `plan` is the dry run; `apply` does it; the scheduler runs
`run_nightly` once a day and every run is audited with its counts."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.families import import_store
from app.families.models import Child
from app.feedback.models import FeedbackItem
from app.i18n import _sl
from app.messaging.models import Delivery, DevOutboxItem, InboundSms, Message, MessageVersion
from app.privacy.erasure import ERASED_NAME, REDACTED, anonymise_feedback, erase
from app.privacy.models import ExportJob
from app.privacy.subjects import for_family
from app.settings.models import Setting


@dataclass(frozen=True)
class Kind:
    """One kind of record: its setting (the period), how to count what is due, and how to remove it."""

    key: str
    label: object
    setting: str
    unit: str  # days | months | years
    count: Callable[[int, datetime], int]
    remove: Callable[[int, datetime], int]


def cutoff(setting: str, unit: str, now: datetime) -> datetime | None:
    """The moment before which records of this kind are due; None when the period is 0 (kept for ever)."""
    n = current_app.config[setting]
    if n <= 0:
        return None
    days = {"days": 1, "months": 30.44, "years": 365.25}[unit] * n
    return now - timedelta(days=days)


# Delivery content: the address each message went to, provider errors, the development outbox, the
# text of old messages (their rows and counts stay) and texts parents sent us.
def _old_deliveries(setting_id: int, before: datetime):
    return (Delivery.setting_id == setting_id, Delivery.queued_at < before,
            (Delivery.address.is_not(None)) | (Delivery.error.is_not(None)))


def _old_versions(setting_id: int, before: datetime):
    messages = select(Message.id).where(Message.setting_id == setting_id, Message.created_at < before)
    return (MessageVersion.message_id.in_(messages), MessageVersion.body_text != REDACTED)


def _old_inbound(setting_id: int, before: datetime):
    return (InboundSms.setting_id == setting_id, InboundSms.received_at < before, InboundSms.body != REDACTED)


def _count_content(setting_id: int, before: datetime) -> int:
    return sum(db.session.scalar(select(func.count()).select_from(model).where(*conds)) for model, conds in (
        (Delivery, _old_deliveries(setting_id, before)),
        (MessageVersion, _old_versions(setting_id, before)),
        (InboundSms, _old_inbound(setting_id, before)),
        (DevOutboxItem, (DevOutboxItem.setting_id == setting_id, DevOutboxItem.created_at < before))))


def _remove_content(setting_id: int, before: datetime) -> int:
    n = _count_content(setting_id, before)
    db.session.execute(delete(DevOutboxItem).where(DevOutboxItem.setting_id == setting_id,
                                                   DevOutboxItem.created_at < before))
    db.session.execute(update(Delivery).where(*_old_deliveries(setting_id, before)).values(address=None, error=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(MessageVersion).where(*_old_versions(setting_id, before)).values(
        body_text=REDACTED, body_html=None, sms_text=None).execution_options(synchronize_session=False))
    db.session.execute(update(InboundSms).where(*_old_inbound(setting_id, before)).values(
        body=REDACTED, from_number="").execution_options(synchronize_session=False))
    return n


# Families who left: every child's leaving date is before the cut-off, and someone is still named.
def _left_families(setting_id: int, before: datetime) -> list[int]:
    """One child id per family due for erasure."""
    still_here = select(Child.id).where(Child.setting_id == setting_id, (Child.leaving_date.is_(None))
                                        | (Child.leaving_date >= before.date()))
    candidates = db.session.scalars(select(Child).where(
        Child.setting_id == setting_id, Child.leaving_date < before.date(), Child.first_name != ERASED_NAME)
        .order_by(Child.id)).all()
    seen: set[int] = set()
    due = []
    for child in candidates:
        if child.id in seen:
            continue
        family = for_family(child)
        seen |= family.child_ids
        if db.session.scalar(select(func.count()).select_from(Child).where(
                Child.id.in_(family.child_ids), Child.id.in_(still_here))):
            continue
        due.append(child.id)
    return due


def _count_families(setting_id: int, before: datetime) -> int:
    return len(_left_families(setting_id, before))


def _remove_families(setting_id: int, before: datetime) -> int:
    ids = _left_families(setting_id, before)
    for child_id in ids:
        erase(for_family(db.session.get(Child, child_id)), actor=None)
    return len(ids)


# Complaints (closed, past the regulator's period) and other feedback: text, names, notes removed.
def _feedback_due(setting_id: int, before: datetime, complaints: bool):
    when = FeedbackItem.complaint_at if complaints else FeedbackItem.received_at
    conds = [FeedbackItem.setting_id == setting_id, FeedbackItem.is_complaint.is_(complaints), when < before,
             FeedbackItem.body != REDACTED]
    if complaints:
        conds.append(FeedbackItem.status == "closed")
    return list(db.session.scalars(select(FeedbackItem.id).where(*conds)))


def _count_feedback(complaints: bool) -> Callable[[int, datetime], int]:
    return lambda setting_id, before: len(_feedback_due(setting_id, before, complaints))


def _remove_feedback(complaints: bool) -> Callable[[int, datetime], int]:
    def remove(setting_id: int, before: datetime) -> int:
        ids = _feedback_due(setting_id, before, complaints)
        anonymise_feedback(ids)
        return len(ids)

    return remove


def _count_exports(setting_id: int, before: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(ExportJob).where(
        ExportJob.setting_id == setting_id, ExportJob.created_at < before))


def _remove_exports(setting_id: int, before: datetime) -> int:
    n = _count_exports(setting_id, before)
    db.session.execute(delete(ExportJob).where(ExportJob.setting_id == setting_id, ExportJob.created_at < before))
    return n


# In this order, so each kind counts its own records (a family's erasure finds its old feedback gone already).
KINDS = (
    Kind("delivery_content", _sl("Content of messages sent, addresses used, texts received"),
         "RETAIN_DELIVERY_CONTENT_MONTHS", "months", _count_content, _remove_content),
    Kind("complaints", _sl("Closed complaint records (the regulator requires at least three years)"),
         "RETAIN_COMPLAINTS_YEARS", "years", _count_feedback(True), _remove_feedback(True)),
    Kind("feedback", _sl("Other feedback (compliments, suggestions, comments, concerns)"),
         "RETAIN_FEEDBACK_YEARS", "years", _count_feedback(False), _remove_feedback(False)),
    Kind("left_families", _sl("Families whose children have all left (erased, figures kept)"),
         "RETAIN_LEFT_FAMILIES_YEARS", "years", _count_families, _remove_families),
    Kind("exports", _sl("Subject access exports waiting to be downloaded"),
         "RETAIN_EXPORTS_DAYS", "days", _count_exports, _remove_exports),
)


def plan(setting_id: int, now: datetime | None = None) -> list[dict]:
    """The dry run: for each kind, its period, its cut-off and how many records are due (nothing changes)."""
    now = now or utcnow()
    out = []
    for kind in KINDS:
        before = cutoff(kind.setting, kind.unit, now)
        out.append({"key": kind.key, "label": kind.label, "setting": kind.setting, "unit": kind.unit,
                    "period": current_app.config[kind.setting], "cutoff": before,
                    "due": kind.count(setting_id, before) if before else 0})
    return out


def apply(setting_id: int, now: datetime | None = None, actor=None) -> dict[str, int]:
    """Remove or anonymise what is due in one setting; audited with the counts (the caller commits)."""
    now = now or utcnow()
    done = {}
    for kind in KINDS:
        before = cutoff(kind.setting, kind.unit, now)
        done[kind.key] = kind.remove(setting_id, before) if before else 0
    extra = {} if actor is not None else {"actor_label": "retention (nightly)"}
    record(setting_id, "privacy.retention_run", None, actor=actor, **extra, **done)
    db.session.flush()
    return done


def run_nightly(now: datetime | None = None) -> dict[int, dict[str, int]]:
    """Scheduler job: apply retention in every setting, one commit per setting."""
    results = {}
    for setting_id in db.session.scalars(select(Setting.id).order_by(Setting.id)).all():
        results[setting_id] = apply(setting_id, now)
        db.session.commit()
        import_store.sweep(setting_id)  # import files older than a day
    return results
