"""Erasure (anonymisation) of a contact or a family who has left.

Personal data is removed or replaced; rows that figures are counted from (deliveries, RSVPs, attendance,
sign-ups, reads, invitations) stay, pointing at the anonymised contact, so reports keep their counts.
An address that had opted out (STOP, unsubscribes) or belonged to a restricted contact is kept only as a
keyed hash (OptOutHash), so a re-import of it does not resume messaging. Complaint records still inside
the regulator's retention period are kept (a legal obligation) and anonymised by retention later.
Confidential survey answers are untouched: nothing links them to anyone.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, false, or_, select, update

from app.alerts.models import Alert, AlertEvent
from app.audit.models import AuditEntry
from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.i18n import _s
from app.families.models import Child, ChildContact, Contact
from app.families import import_store
from app.feedback.models import ComplaintStep, FeedbackItem, FeedbackReply
from app.involvement.models import SkillOffer
from app.lists.models import SavedListMember
from app.messaging import outbox
from app.messaging.models import (QUEUED, SUPPRESSED, ContactProblem, Delivery, DevOutboxItem, InboundSms, Message, MessageVersion,
                                  SmsOptOut, Unsubscribe)
from app.parents.models import LinkToken
from app.activities.models import ActivityTry
from app.privacy.crypto import address_digest
from app.privacy.models import ALL_CATEGORIES, ExportJob, OptOutHash
from app.privacy.subjects import FAMILY, Subject
from app.surveys.models import KINDS as _QUESTION_KINDS, SurveyAnswer, SurveyQuestion, SurveyResponse
from app.workshops.models import Rsvp

ERASED_NAME = "Erased"
REDACTED = "[erased]"
FREE_TEXT_KINDS = tuple(k for k in _QUESTION_KINDS if k.endswith("_text"))


class ErasureRefused(ValueError):
    """The subject cannot be erased yet (the message says why, for staff)."""


def _core(stmt) -> None:
    db.session.execute(stmt.execution_options(synchronize_session=False))


def _keep_hashes(subject: Subject, contacts: list[Contact]) -> int:
    """Write the keyed hash of every opted-out or restricted address; returns how many addresses."""
    stopped = set(db.session.scalars(select(SmsOptOut.mobile).where(
        SmsOptOut.setting_id == subject.setting_id,
        SmsOptOut.mobile.in_([c.mobile for c in contacts if c.mobile]))))
    kept = 0
    for contact in contacts:
        unsubscribed = set(db.session.scalars(select(Unsubscribe.category).where(
            Unsubscribe.contact_id == contact.id)))
        wanted: dict[tuple[str, str], set[str]] = {}
        for channel, address in (("email", contact.email), ("sms", contact.mobile)):
            if not address:
                continue
            categories = set(unsubscribed)
            if contact.restricted or (channel == "sms" and address in stopped):
                categories.add(ALL_CATEGORIES)
            if categories:
                wanted[(channel, address_digest(address))] = categories
        for (channel, digest), categories in wanted.items():
            row = db.session.scalar(select(OptOutHash).where(
                OptOutHash.setting_id == subject.setting_id, OptOutHash.channel == channel,
                OptOutHash.digest == digest))
            if row is None:
                db.session.add(OptOutHash(setting_id=subject.setting_id, channel=channel, digest=digest,
                                          categories=sorted(categories)))
            else:
                row.categories = sorted(set(row.categories or []) | categories)
            kept += 1
    return kept


def _drop_stop_rows(subject: Subject, mobiles: set[str]) -> None:
    """STOP rows hold the raw number: removed (now hashed) unless another contact still uses the number."""
    if not mobiles:
        return
    still_used = set(db.session.scalars(select(Contact.mobile).where(
        Contact.setting_id == subject.setting_id, Contact.mobile.in_(mobiles),
        Contact.id.not_in(subject.contact_ids))))
    gone = mobiles - still_used
    if gone:
        _core(delete(SmsOptOut).where(SmsOptOut.setting_id == subject.setting_id, SmsOptOut.mobile.in_(gone)))


def _scrub_messages(subject: Subject) -> set[int]:
    """Messages sent only to the subject (replies, personal notices): their text and label are removed.
    Returns their ids."""
    C = subject.contact_ids
    ids = set(db.session.scalars(select(Delivery.message_id).where(Delivery.contact_id.in_(C))))
    if not ids:
        return set()
    shared = set(db.session.scalars(select(Delivery.message_id).where(
        Delivery.message_id.in_(ids), or_(Delivery.contact_id.not_in(C), Delivery.user_id.is_not(None)))))
    own = ids - shared
    if own:
        _core(update(MessageVersion).where(MessageVersion.message_id.in_(own)).values(
            subject=REDACTED, body_text=REDACTED, body_html=None, sms_text=None))
        _core(update(Message).where(Message.id.in_(own)).values(audience_label=REDACTED, attachments=None))
    return own


def _complaint_kept(item: FeedbackItem, now) -> bool:
    """A complaint's record stays while it is open and for RETAIN_COMPLAINTS_YEARS after (the regulator)."""
    years = current_app.config["RETAIN_COMPLAINTS_YEARS"]
    start = item.complaint_at or item.received_at
    return item.is_complaint and (item.status != "closed" or years <= 0
                                  or start > now - timedelta(days=365.25 * years))


def anonymise_feedback(item_ids: list[int]) -> None:
    """Feedback (and complaint records past their retention): text, names, notes and replies removed."""
    if not item_ids:
        return
    # The complaints record is append-only in the app; erasure and retention are the one lawful removal.
    _core(delete(ComplaintStep).where(ComplaintStep.item_id.in_(item_ids)))
    _core(update(FeedbackReply).where(FeedbackReply.item_id.in_(item_ids)).values(body=REDACTED))
    _core(update(FeedbackItem).where(FeedbackItem.id.in_(item_ids)).values(
        body=REDACTED, translation=None, given_name=None, contact_id=None,
        outcome=None))


def _feedback(subject: Subject, now) -> tuple[int, int]:
    """(anonymised, kept for the regulator) feedback items the subject gave."""
    items = list(db.session.scalars(select(FeedbackItem).where(FeedbackItem.contact_id.in_(subject.contact_ids))))
    kept = [i.id for i in items if _complaint_kept(i, now)]
    gone = [i.id for i in items if i.id not in kept]
    anonymise_feedback(gone)
    return len(gone), len(kept)


def _redact_audit(subject: Subject, messages: set[int]) -> None:
    """Audit entries about the subject (and about messages sent only to them, whose detail names them)
    keep who/what/when; their detail values are removed. (The log is append-only in the app; erasure is
    the one exception, and only for the detail.)"""
    about = or_(
        (AuditEntry.object_type == "contact") & AuditEntry.object_id.in_(subject.contact_ids),
        (AuditEntry.object_type == "child") & AuditEntry.object_id.in_(subject.child_ids) if subject.kind == FAMILY
        else false(),
        (AuditEntry.object_type == "message") & AuditEntry.object_id.in_(messages))
    for entry_id, detail in db.session.execute(select(AuditEntry.id, AuditEntry.detail).where(
            AuditEntry.setting_id == subject.setting_id, about)).all():
        redacted = {key: REDACTED for key in (detail or {})}
        if redacted != detail:
            _core(update(AuditEntry).where(AuditEntry.id == entry_id).values(detail=redacted))


def _named_answers(subject: Subject) -> int:
    """Named survey responses: unlinked from the contact, free-text answers removed; figures stay."""
    responses = list(db.session.scalars(select(SurveyResponse.id).where(
        SurveyResponse.contact_id.in_(subject.contact_ids))))
    if responses:
        free = select(SurveyQuestion.id).where(SurveyQuestion.kind.in_(FREE_TEXT_KINDS))
        _core(update(SurveyAnswer).where(SurveyAnswer.response_id.in_(responses),
                                         SurveyAnswer.question_id.in_(free)).values(value=REDACTED))
        _core(update(SurveyResponse).where(SurveyResponse.id.in_(responses)).values(contact_id=None))
    return len(responses)


def erase(subject: Subject, actor=None) -> dict[str, int]:
    """Anonymise the subject's contacts (and, for a family, its children); audited with counts only."""
    now = utcnow()
    C, K = subject.contact_ids, subject.child_ids if subject.kind == FAMILY else set()
    if subject.kind == FAMILY:
        current = db.session.scalars(select(Child).where(Child.id.in_(K))).all()
        if any(not child.has_left(now.date()) for child in current):
            raise ErasureRefused(_s("Every child of the family must have left (leaving date in the past) first."))
    contacts = list(db.session.scalars(select(Contact).where(Contact.id.in_(C))))
    mobiles = {c.mobile for c in contacts if c.mobile}
    addresses = {a for c in contacts for a in (c.email, c.mobile) if a}
    counts = {"contacts": len(contacts), "children": len(K), "hashes_kept": _keep_hashes(subject, contacts)}
    db.session.flush()
    _drop_stop_rows(subject, mobiles)

    deliveries = select(Delivery.id).where(Delivery.contact_id.in_(C))
    _core(delete(DevOutboxItem).where(or_(DevOutboxItem.delivery_id.in_(deliveries),
                                          DevOutboxItem.to.in_(addresses))))
    own_messages = _scrub_messages(subject)
    counts["messages_scrubbed"] = len(own_messages)
    _core(update(Delivery).where(Delivery.contact_id.in_(C), Delivery.status == QUEUED).values(
        status=SUPPRESSED, reason=outbox.ERASED, finished_at=now))  # not yet sent: never will be
    _core(update(Delivery).where(Delivery.contact_id.in_(C)).values(address=None, error=None))
    _core(update(InboundSms).where(or_(InboundSms.contact_id.in_(C), InboundSms.from_number.in_(mobiles)))
          .values(from_number="", body=REDACTED))
    _core(update(ContactProblem).where(ContactProblem.contact_id.in_(C)).values(detail=""))
    _core(delete(LinkToken).where(LinkToken.contact_id.in_(C)))
    _core(delete(SavedListMember).where(SavedListMember.contact_id.in_(C)))
    _core(delete(ExportJob).where(ExportJob.setting_id == subject.setting_id, or_(
        (ExportJob.subject_type == "contact") & ExportJob.subject_id.in_(C),
        (ExportJob.subject_type == "family") & ExportJob.subject_id.in_(subject.child_ids))))
    counts["feedback_anonymised"], counts["complaints_kept"] = _feedback(subject, now)
    _core(update(Rsvp).where(Rsvp.contact_id.in_(C)).values(access_needs="", note=""))
    _core(update(ActivityTry).where(ActivityTry.contact_id.in_(C)).values(note=""))
    _core(update(SkillOffer).where(SkillOffer.contact_id.in_(C)).values(skills=""))
    counts["named_survey_responses"] = _named_answers(subject)
    _core(update(AlertEvent).where(or_(AlertEvent.contact_id.in_(C),
                                       AlertEvent.alert_id.in_(select(Alert.id).where(Alert.child_id.in_(K)))))
          .values(detail=""))
    if K:
        _core(update(Alert).where(Alert.child_id.in_(K)).values(collected_by=None))
        _core(update(ChildContact).where(ChildContact.child_id.in_(K)).values(collection_password_note=None))
        _core(update(Child).where(Child.id.in_(K)).values(first_name=ERASED_NAME, last_name="",
                                                          date_of_birth=None, external_id=None))
    _core(delete(ChildContact).where(ChildContact.contact_id.in_(C), ChildContact.child_id.not_in(K)))
    _redact_audit(subject, own_messages)
    counts["import_uploads_discarded"] = import_store.discard_all(subject.setting_id)
    _core(update(Contact).where(Contact.id.in_(C)).values(
        first_name=ERASED_NAME, last_name="", email=None, mobile=None, external_id=None,
        restricted_reason=None, consent_promotional=False, erased_at=now,
        link_version=Contact.link_version + 1))
    db.session.expire_all()
    record(subject.setting_id, "privacy.erased", None, actor=actor, subject=subject.kind,
           subject_id=subject.subject_id, **counts)
    db.session.flush()
    return counts
