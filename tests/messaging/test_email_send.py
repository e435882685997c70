"""Email sends, read back from a real SMTP server (aiosmtpd)."""
from sqlalchemy import select

from app.extensions import db
from app.messaging.models import Delivery, Message
from app.messaging.services import counts, send_now
from messaging_helpers import message


def _setup(make, n=2, **msg_kw):
    setting = make.setting(name="Acorn Nursery")
    child = make.child(setting)
    contacts = [make.contact(setting, children=[child], language="pl" if i % 2 else "en") for i in range(n)]
    return setting, contacts, message(setting, **msg_kw)


def _parts(msg):
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return plain, html


def test_newsletter_arrives_multipart_in_each_language_with_unsubscribe_headers(make, smtp):
    setting, (en, pl), msg = _setup(make)
    assert send_now(msg.id)
    [to_en] = smtp.to(en.email)
    [to_pl] = smtp.to(pl.email)
    assert to_en["Subject"] == "Nursery news"
    assert to_pl["Subject"] == "Wiadomości z przedszkola"
    assert to_pl["Content-Language"] == "pl"
    assert "Acorn Nursery" in to_en["From"]
    plain, html = _parts(to_pl)
    assert "W piątek idziemy do parku." in plain
    assert "W piątek idziemy do parku." in html
    assert 'style="' in html  # CSS inlined
    assert to_en["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = to_en["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://localhost/unsubscribe/")
    assert unsubscribe in _parts(to_en)[0]
    assert "http://localhost/l/" in plain  # family page link in the footer
    delivery = db.session.scalar(select(Delivery).where(Delivery.contact_id == en.id))
    assert delivery.status == "sent"
    assert delivery.provider_id == to_en["Message-ID"]
    assert db.session.get(Message, msg.id).status == "done"


def test_alert_has_no_unsubscribe_headers(make, smtp):
    setting, (en, _), msg = _setup(make, category="alert", urgency="urgent")
    send_now(msg.id)
    [got] = smtp.to(en.email)
    assert got["List-Unsubscribe"] is None


def test_long_paragraph_is_encoded_not_refused(make, smtp):
    long_text = "Sentence with words and more words. " * 100  # 3,600 characters on one line
    setting, (en, _), msg = _setup(make, versions={"en": {"subject": "Long", "body_text": long_text}})
    send_now(msg.id)
    [got] = smtp.to(en.email)
    assert long_text.strip() in _parts(got)[0]
    raw = got.as_bytes()
    assert max(len(line) for line in raw.split(b"\n")) <= 998


def test_refused_address_fails_with_reason_and_others_still_arrive(make, smtp):
    setting, (en, pl), msg = _setup(make)
    smtp.store.refuse[en.email] = "550 No such user here"
    send_now(msg.id)
    assert smtp.to(pl.email)
    failed = db.session.scalar(select(Delivery).where(Delivery.contact_id == en.id))
    assert failed.status == "failed"
    assert "refused" in failed.error and "550" in failed.error
    from app.messaging.models import ContactProblem

    assert db.session.scalar(select(ContactProblem).where(ContactProblem.contact_id == en.id)).channel == "email"


def test_invariant_sent_failed_suppressed_equals_audience(make, smtp):
    setting = make.setting()
    child = make.child(setting)
    contacts = [make.contact(setting, children=[child]) for _ in range(6)]
    make.contact(setting, children=[child], restricted=True)
    make.contact(setting, children=[child], email=None)
    smtp.store.refuse[contacts[0].email] = "550 gone"
    msg = message(setting)
    send_now(msg.id)
    c = counts(msg.id)
    assert (c["sent"], c["failed"], c["suppressed"]) == (5, 1, 2)
    assert c["sent"] + c["failed"] + c["suppressed"] == c["total"] == 8
    assert sum(len(smtp.to(x.email)) for x in contacts) == 5


def test_sending_twice_sends_once(make, smtp):
    setting, (en, _), msg = _setup(make)
    assert send_now(msg.id)
    assert not send_now(msg.id)
    assert len(smtp.to(en.email)) == 1


def test_each_recipient_gets_their_own_personal_link_of_the_message_purpose(app, make, smtp, twilio):
    from app.messaging.render import PERSONAL_LINK
    from app.parents import links
    from app.parents.models import LinkToken

    links.register_purpose(app, "test-purpose", "parents.family")
    setting = make.setting()
    child = make.child(setting)
    a = make.contact(setting, children=[child], channels="email")
    b = make.contact(setting, children=[child], channels="sms")
    body = f"Please answer here: {PERSONAL_LINK}"
    msg = message(setting, channels="both", link_purpose="test-purpose", link_scope_id=42,
                  versions={"en": {"subject": "Survey", "body_text": body, "sms_text": body}})
    send_now(msg.id)
    [mail] = smtp.to(a.email)
    assert PERSONAL_LINK not in _parts(mail)[0] and PERSONAL_LINK not in _parts(mail)[1]
    issued = db.session.scalars(select(LinkToken).where(LinkToken.purpose == "test-purpose")).all()
    assert {(t.contact_id, t.scope_id) for t in issued} == {(a.id, 42), (b.id, 42)}
    path = _parts(mail)[0].split("Please answer here: http://localhost", 1)[1].split()[0]
    assert links.find_link(path.removeprefix("/l/")).contact_id == a.id
    assert db.session.scalar(select(Delivery).where(Delivery.contact_id == b.id)).status == "sent"


def test_a_link_that_cannot_be_issued_fails_the_rows_not_the_job(make, smtp):
    from app.messaging.render import PERSONAL_LINK

    setting, (en, pl), msg = _setup(make, versions={"en": {"subject": "Survey",
                                                           "body_text": f"Answer: {PERSONAL_LINK}"}})
    msg.link_purpose = "nobody-registered-this"
    db.session.commit()
    send_now(msg.id)
    assert smtp.to(en.email) == [] and smtp.to(pl.email) == []
    rows = db.session.scalars(select(Delivery).where(Delivery.message_id == msg.id)).all()
    assert [r.status for r in rows] == ["failed", "failed"]
    assert all("could not prepare" in r.error for r in rows)
