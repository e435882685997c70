"""Erasure: after it, a search of every text column of every table finds the person nowhere; figures stay;
an opted-out address is kept only as a hash and a re-import of it does not resume messaging."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, String, Text, cast, func, select
from sqlalchemy.types import TypeDecorator

from app.extensions import db
from app.families.models import Contact
from tests.privacy.privacy_seed import CHILD_FIRST, EMAIL, MOBILE, NAME_FIRST, NAME_LAST

NEEDLES = (NAME_FIRST, NAME_LAST, CHILD_FIRST, EMAIL, MOBILE, MOBILE[3:], "07700 900777", "MIS-P-77")


def _texty(column) -> bool:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, (String, Text, JSON))


def search_everywhere(needles=NEEDLES) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text/JSON cell of every table that contains a needle."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not _texty(column):
                continue
            as_text = func.lower(cast(column, Text))
            for needle in needles:
                hits = db.session.scalar(select(func.count()).select_from(table).where(
                    as_text.contains(needle.lower())))
                if hits:
                    found.append((table.name, column.name, needle))
    return found


def _erase(client, login_as, seeded, kind="family"):
    staff = login_as(seeded.manager)
    target = seeded.child.id if kind == "family" else seeded.contact.id
    return staff.post(f"/privacy/{kind}/{target}/erase", data={"confirm": "erase"})


def test_the_search_finds_her_before_erasure(seeded):
    found = {table for table, _, _ in search_everywhere()}
    # Plain text where features write it; encrypted columns (restriction reason, complaint notes,
    # collection password) never match, even before erasure.
    assert {"contact", "child", "delivery", "message_version", "dev_outbox_item", "inbound_sms",
            "sms_opt_out", "rsvp", "feedback_item", "feedback_reply", "alert", "alert_event",
            "skill_offer", "activity_try", "contact_problem"} <= found


def test_after_erasure_nothing_but_the_hash_is_left(client, login_as, seeded):
    from app.privacy.crypto import address_digest
    from app.privacy.models import OptOutHash

    response = _erase(client, login_as, seeded)
    assert response.status_code == 302
    assert search_everywhere() == []
    digests = {(h.channel, h.digest) for h in db.session.scalars(select(OptOutHash))}
    assert ("sms", address_digest(MOBILE)) in digests and ("email", address_digest(EMAIL)) in digests


def test_figures_stay_and_confidential_answers_are_untouched(client, login_as, seeded):
    from app.messaging.models import Delivery
    from app.surveys.models import SurveyAnswer, SurveyResponse
    from app.workshops.models import Rsvp

    def figures():
        return (db.session.scalar(select(func.count()).select_from(Delivery)),
                db.session.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.attended.is_(True))),
                db.session.scalar(select(func.count()).select_from(SurveyResponse)))

    before = figures()
    confidential = db.session.scalar(select(SurveyAnswer.value).join(SurveyResponse).where(
        SurveyResponse.survey_id == seeded.confidential_survey.id))
    _erase(client, login_as, seeded)
    assert figures() == before
    assert db.session.scalar(select(SurveyAnswer.value).join(SurveyResponse).where(
        SurveyResponse.survey_id == seeded.confidential_survey.id)) == confidential == "confidential answer: more outings"
    other = db.session.get(Contact, seeded.other.id)
    assert other.erased_at is None and other.email.endswith("@example.org")


def test_erasure_is_audited_without_the_erased_data(client, login_as, seeded):
    from app.audit.models import AuditEntry

    _erase(client, login_as, seeded)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erased")).one()
    assert entry.actor_id == seeded.manager.id and entry.detail["subject"] == "family"
    assert entry.detail["contacts"] == 1 and entry.detail["children"] == 1
    assert not any(n.lower() in str(entry.detail).lower() for n in NEEDLES)


def test_a_family_with_a_child_still_here_is_not_erased(client, login_as, make, frozen_clock):
    setting = make.setting()
    manager = make.user(setting)
    child = make.child(setting)
    parent = make.contact(setting, children=[child])
    staff = login_as(manager)
    response = staff.post(f"/privacy/family/{child.id}/erase", data={"confirm": "ERASE"}, follow_redirects=True)
    assert "must have left" in response.get_data(as_text=True)
    assert db.session.get(Contact, parent.id).erased_at is None


def test_erasure_needs_the_confirming_word(client, login_as, seeded):
    staff = login_as(seeded.manager)
    response = staff.post(f"/privacy/contact/{seeded.contact.id}/erase", data={"confirm": "yes"})
    assert response.status_code == 400 and "Type ERASE to confirm" in response.get_data(as_text=True)
    assert db.session.get(Contact, seeded.contact.id).erased_at is None


def test_a_re_import_of_an_opted_out_address_does_not_resume_messaging(client, login_as, make, frozen_clock):
    from app.families.import_upsert import import_table
    from app.families.importer import guess_mapping, read_table
    from app.messaging import outbox
    from app.messaging.models import Delivery, SmsOptOut, Unsubscribe
    from app.messaging.services import create_message

    setting = make.setting()
    manager = make.user(setting)
    gone = make.child(setting, leaving_date=date(2026, 1, 1))
    stopped = make.contact(setting, children=[gone], email="quit@example.org", mobile="+447700900555")
    db.session.add(SmsOptOut(setting_id=setting.id, mobile="+447700900555"))
    db.session.add(Unsubscribe(setting_id=setting.id, contact_id=stopped.id, category="newsletter"))
    db.session.commit()
    login_as(manager).post(f"/privacy/family/{gone.id}/erase", data={"confirm": "ERASE"})
    assert db.session.scalar(select(func.count()).select_from(SmsOptOut)) == 0  # the raw number is gone

    csv = ("Child first name,Child last name,Date of birth,Contact first name,Email,Mobile\n"
           "Newt,Again,2023-01-01,Someone,quit@example.org,07700 900555\n").encode()
    table = read_table(csv)
    import_table(setting, table, guess_mapping(table.headers))
    db.session.commit()
    back = db.session.scalars(select(Contact).where(Contact.email == "quit@example.org")).one()

    def reasons(category):
        msg = create_message(setting, category=category, channels="both", audience={"all": True},
                             versions={"en": {"subject": "s", "body_text": "b", "sms_text": "b"}})
        outbox.expand(msg)
        return {d.channel: d.reason for d in db.session.scalars(select(Delivery).where(
            Delivery.message_id == msg.id, Delivery.contact_id == back.id))}

    assert reasons("newsletter") == {"email": "previous_opt_out", "sms": "previous_opt_out"}
    assert reasons("workshops") == {"email": None, "sms": "previous_opt_out"}  # STOP covers every text


def test_messages_still_queued_for_her_are_suppressed_not_sent(client, login_as, make, frozen_clock):
    from app.messaging import outbox
    from app.messaging.models import Delivery
    from app.messaging.services import create_message

    setting = make.setting()
    manager = make.user(setting)
    child = make.child(setting)
    parent = make.contact(setting, children=[child])
    msg = create_message(setting, category="newsletter", channels="email", audience={"all": True},
                         versions={"en": {"subject": "s", "body_text": "b"}})
    outbox.expand(msg)
    db.session.commit()
    staff = login_as(manager)
    assert staff.post(f"/privacy/contact/{parent.id}/erase", data={"confirm": "ERASE"}).status_code == 302
    row = db.session.scalars(select(Delivery).where(Delivery.message_id == msg.id)).one()
    assert (row.status, row.reason, row.address) == ("suppressed", "erased", None)
    assert db.session.get(Contact, parent.id).links == []  # the child stays; she is no longer linked


def test_a_recent_or_open_complaint_record_is_kept_and_the_page_says_so(client, login_as, make, frozen_clock):
    from datetime import timedelta

    from app.feedback.models import FeedbackItem

    setting = make.setting()
    manager = make.user(setting)
    parent = make.contact(setting, children=[make.child(setting)])
    long_ago = frozen_clock.now - timedelta(days=10 * 365)
    recent = FeedbackItem(setting_id=setting.id, kind="concern", route="written", contact_id=parent.id,
                          body="About the garden gate", is_complaint=True, reference="C-1", status="closed",
                          complaint_at=frozen_clock.now - timedelta(days=200))
    still_open = FeedbackItem(setting_id=setting.id, kind="concern", route="written", contact_id=parent.id,
                              body="About the fees", is_complaint=True, reference="C-2", status="in_progress",
                              complaint_at=long_ago, received_at=long_ago)
    db.session.add_all([recent, still_open])
    db.session.commit()
    response = login_as(manager).post(f"/privacy/contact/{parent.id}/erase", data={"confirm": "ERASE"},
                                      follow_redirects=True)
    assert "2 complaint record(s) are kept" in response.get_data(as_text=True)
    bodies = set(db.session.scalars(select(FeedbackItem.body)))
    assert bodies == {"About the garden gate", "About the fees"}


def test_import_files_that_may_hold_her_details_are_deleted(client, login_as, seeded):
    from app.families import import_store

    csv = f"Contact first name,Email\n{NAME_FIRST},{EMAIL}\n".encode()
    token = import_store.save_upload(seeded.setting.id, seeded.manager.id, "register.csv", csv)
    assert import_store.read_upload(seeded.setting.id, token) == csv
    page = _erase(client, login_as, seeded)
    assert "1 import file(s) not yet imported were deleted" in client.get(page.location).get_data(as_text=True)
    assert import_store.read_upload(seeded.setting.id, token) is None
    assert import_store.load_meta(seeded.setting.id, seeded.manager.id, token) is None
