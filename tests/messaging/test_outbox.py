"""Audience expansion: one row per (message, contact, channel); suppressions with reasons; languages."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.messaging import outbox
from app.messaging.models import Delivery, SmsOptOut, Unsubscribe
from messaging_helpers import message


def rows(msg):
    return {(d.contact_id, d.channel): d for d in db.session.scalars(
        select(Delivery).where(Delivery.message_id == msg.id))}


@pytest.fixture
def family(make):
    setting = make.setting()
    room = make.room(setting)
    child = make.child(setting, room=room)
    return setting, room, child


def test_each_contact_gets_a_row_in_their_language_or_the_default(make, family):
    setting, room, child = family
    polish = make.contact(setting, children=[child], language="pl")
    somali = make.contact(setting, children=[child], language="so")
    msg = message(setting)
    outbox.expand(msg)
    got = rows(msg)
    assert got[(polish.id, "email")].language == "pl" and not got[(polish.id, "email")].fallback
    assert got[(somali.id, "email")].language == "en" and got[(somali.id, "email")].fallback
    assert got[(polish.id, "email")].status == "queued"
    assert got[(polish.id, "email")].address == polish.email


def test_restricted_contact_is_suppressed_on_every_channel(make, family):
    setting, room, child = family
    barred = make.contact(setting, children=[child], restricted=True, restricted_reason="court order")
    msg = message(setting, channels="both")
    outbox.expand(msg)
    got = rows(msg)
    assert {got[(barred.id, c)].status for c in ("email", "sms")} == {"suppressed"}
    assert {got[(barred.id, c)].reason for c in ("email", "sms")} == {"restricted"}
    assert got[(barred.id, "email")].address is None


def test_family_whose_children_all_left_is_suppressed(make, family, frozen_clock):
    setting, room, child = family
    gone = make.child(setting, room=room, leaving_date=date(2026, 7, 20))
    left_only = make.contact(setting, children=[gone])
    both = make.contact(setting, children=[gone, child])
    msg = message(setting)
    outbox.expand(msg)
    got = rows(msg)
    assert (got[(left_only.id, "email")].status, got[(left_only.id, "email")].reason) == ("suppressed", "child_left")
    assert got[(both.id, "email")].status == "queued"


def test_unsubscribed_category_and_sms_stop_are_suppressed(make, family):
    setting, room, child = family
    unsub = make.contact(setting, children=[child])
    stopped = make.contact(setting, children=[child], mobile="+447700900111")
    db.session.add(Unsubscribe(setting_id=setting.id, contact_id=unsub.id, category="newsletter"))
    db.session.add(SmsOptOut(setting_id=setting.id, mobile="+447700900111"))
    msg = message(setting, channels="both")
    outbox.expand(msg)
    got = rows(msg)
    assert got[(unsub.id, "email")].reason == "unsubscribed"
    assert got[(unsub.id, "sms")].reason == "unsubscribed"
    assert got[(stopped.id, "sms")].reason == "sms_stop"
    assert got[(stopped.id, "email")].status == "queued"


def test_alerts_ignore_category_unsubscribes(make, family):
    setting, room, child = family
    unsub = make.contact(setting, children=[child])
    db.session.add(Unsubscribe(setting_id=setting.id, contact_id=unsub.id, category="newsletter"))
    msg = message(setting, category="alert", urgency="urgent")
    outbox.expand(msg)
    assert rows(msg)[(unsub.id, "email")].status == "queued"


def test_missing_or_invalid_addresses_are_suppressed(make, family):
    setting, room, child = family
    no_email = make.contact(setting, children=[child], email=None)
    bad_mobile = make.contact(setting, children=[child], mobile="12345")
    msg = message(setting, channels="both")
    outbox.expand(msg)
    got = rows(msg)
    assert got[(no_email.id, "email")].reason == "no_email"
    assert got[(no_email.id, "sms")].status == "queued"
    assert got[(bad_mobile.id, "sms")].reason == "invalid_mobile"


def test_channel_preference_is_respected(make, family):
    setting, room, child = family
    sms_only = make.contact(setting, children=[child], channels="sms")
    msg = message(setting, channels="both")
    outbox.expand(msg)
    assert set(k[1] for k in rows(msg) if k[0] == sms_only.id) == {"sms"}


def test_audience_by_room_and_other_settings_excluded(make, family):
    setting, room, child = family
    other_room = make.room(setting)
    elsewhere = make.child(setting, room=other_room)
    in_room = make.contact(setting, children=[child])
    make.contact(setting, children=[elsewhere])
    other_setting = make.setting(name="Other")
    make.contact(other_setting, children=[make.child(other_setting)])
    msg = message(setting, audience={"rooms": [room.id]})
    outbox.expand(msg)
    assert set(rows(msg)) == {(in_room.id, "email")}


def test_expanding_twice_never_duplicates(make, family, monkeypatch):
    setting, room, child = family
    monkeypatch.setattr(outbox, "BATCH", 3)  # several keyset batches
    for _ in range(10):
        make.contact(setting, children=[child])
    msg = message(setting, channels="both")
    outbox.expand(msg)
    outbox.expand(msg)
    count = db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.message_id == msg.id))
    assert count == 20
    dupes = db.session.execute(select(Delivery.contact_id, Delivery.channel, func.count()).where(
        Delivery.message_id == msg.id).group_by(Delivery.contact_id, Delivery.channel)
        .having(func.count() > 1)).all()
    assert dupes == []


def test_streams_in_batches(make, family, monkeypatch):
    setting, room, child = family
    for _ in range(7):
        make.contact(setting, children=[child])
    monkeypatch.setattr(outbox, "BATCH", 3)
    msg = message(setting)
    sizes = [len(batch) for batch in outbox._contact_batches(msg)]
    assert sizes == [3, 3, 1]


def test_a_message_needs_its_default_language(make):
    from app.messaging.services import create_message

    setting = make.setting()
    with pytest.raises(ValueError):
        create_message(setting, audience={"all": True}, versions={"pl": {"subject": "x", "body_text": "y"}})


def test_every_send_is_in_the_audit_log_with_who_started_it(app, make):
    from flask_login import login_user

    from app.audit.models import AuditEntry
    from app.messaging.services import send_now

    setting = make.setting()
    make.contact(setting, children=[make.child(setting)])
    pico = make.user(setting, role="pico", name="Priya Shah")
    msg = message(setting, created_by=pico)
    with app.test_request_context():
        login_user(pico)
        assert send_now(msg.id)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "message.sent")).one()
    assert (entry.object_id, entry.actor_label, entry.detail["category"]) == (msg.id, "Priya Shah", "newsletter")
