"""Feedback arrives from the family page, the message footer link, the public form and staff."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.feedback.models import FeedbackItem
from app.messaging.services import create_message, send_now
from tests.feedback.helpers import body, parent, send


def _items():
    return db.session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()


def test_family_page_has_the_section_and_the_form_records_the_parent(client, make):
    contact = parent(client, make, language="so")
    page = client.get("/family").get_data(as_text=True)
    assert 'id="feedback"' in page and 'name="feedback-body"' in page
    response = send(client, kind="compliment", body="Macallimadu aad bay u fiican yihiin.")
    assert response.status_code == 302 and response.headers["Location"].endswith("/family#feedback")
    [item] = _items()
    assert (item.kind, item.route, item.contact_id, item.language) == ("compliment", "family", contact.id, "so")
    assert item.body == "Macallimadu aad bay u fiican yihiin."  # the original, as written
    assert "Mahadsanid" in client.get("/family").get_data(as_text=True)  # thanks, in Somali


def test_every_message_footer_links_to_the_feedback_form(client, make, smtp):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], language="pl", channels="email")
    message = create_message(setting, category="newsletter", audience={"all": True},
                             versions={"en": {"subject": "News", "body_text": "Hello."},
                                       "pl": {"subject": "Wiadomości", "body_text": "Dzień dobry."}})
    send_now(message.id)
    [got] = smtp.to(contact.email)
    text = body(got)
    line = next(line for line in text.splitlines() if "#feedback" in line)
    assert line.startswith("Powiedz nam")  # in the parent's language
    url = line.split(": ", 1)[1]
    path = url.split("http://localhost", 1)[1].split("#")[0]
    response = client.get(path)
    assert response.headers["Location"] == "/family"  # the browser keeps #feedback across the redirect
    assert 'id="feedback"' in client.get("/family").get_data(as_text=True)


def test_public_form_takes_an_optional_name_and_stores_no_identity_when_anonymous(client, make):
    setting = make.setting(slug="acorn")
    db.session.commit()
    page = client.get("/feedback/acorn")
    assert page.status_code == 200 and "Acorn Nursery" in page.get_data(as_text=True)
    response = send(client, "/feedback/acorn", kind="suggestion", body="More story sacks please", given_name="Sam")
    assert "Thank you. We have received your feedback." in response.get_data(as_text=True)
    send(client, "/feedback/acorn", kind="comment", body="Lovely garden", given_name="Jo", anonymous="y")
    named, anonymous = _items()
    assert (named.route, named.given_name, named.contact_id, named.anonymous) == ("public", "Sam", None, False)
    assert (anonymous.given_name, anonymous.contact_id, anonymous.anonymous) == (None, None, True)
    stored = " ".join(str(getattr(anonymous, c.key)) for c in FeedbackItem.__table__.columns)
    assert "127.0.0.1" not in stored
    assert client.get("/feedback/no-such-setting").status_code == 404


def test_anonymous_family_suggestion_keeps_no_contact_but_a_concern_cannot_be_anonymous(client, make):
    parent(client, make)
    send(client, kind="suggestion", body="A later pick-up on Fridays", anonymous="y")
    [item] = _items()
    assert item.contact_id is None and item.anonymous
    page = send(client, kind="concern", body="Worried about the gate", anonymous="y").get_data(as_text=True)
    assert "Only suggestions and comments can be sent anonymously." in page
    assert len(_items()) == 1


def test_bad_input_is_refused_with_clear_messages(client, make):
    parent(client, make)
    checks = [
        ({"kind": "comment", "body": "   "}, "Please write your message."),
        ({"kind": "comment", "body": "x" * 4001}, "Please keep your message under 4000 characters."),
        ({"kind": "comment", "body": "<script>alert(1)</script>"}, "Please remove code or web tags"),
        ({"kind": "comment", "body": '<img src=x onerror="alert(1)">'}, "Please remove code or web tags"),
        ({"body": "No kind chosen"}, "Please choose what kind of feedback it is."),
    ]
    for data, expected in checks:
        response = send(client, **data)
        assert response.status_code == 200
        assert expected in response.get_data(as_text=True)
    assert _items() == []
    send(client, kind="comment", body="Fish < chips, and 3 > 2 is fine")
    assert len(_items()) == 1


def test_floods_from_one_address_are_rate_limited(client, make):
    make.setting(slug="acorn")
    db.session.commit()
    codes = [send(client, "/feedback/acorn", kind="comment", body=f"Hello {n}").status_code for n in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[10:] == [429, 429]
    assert len(_items()) == 10


def test_staff_log_phone_feedback_and_add_a_translation(client, make, login_as):
    setting = make.setting()
    contact = make.contact(setting, first_name="Ana", last_name="Popescu")
    pico = make.user(setting, role="pico")
    login_as(pico)
    response = client.post("/staff/feedback/log", data={
        "kind": "suggestion", "route": "phone", "contact_id": contact.id, "given_name": "",
        "received_on": "2026-11-20", "body": "Ar fi bine să avem ateliere seara."})
    assert response.status_code == 302
    [item] = _items()
    assert (item.route, item.contact_id, item.logged_by_id, item.owner_id) == ("phone", contact.id, pico.id, pico.id)
    assert item.received_at.date().isoformat() == "2026-11-20"
    client.post(f"/staff/feedback/{item.id}", data={"status": "in_progress", "owner_id": pico.id,
                                                     "translation": "Evening workshops would be good."})
    db.session.refresh(item)
    assert item.translation == "Evening workshops would be good."
    assert item.body == "Ar fi bine să avem ateliere seara."  # the original is kept
    inbox = client.get("/staff/feedback?status=in_progress&route=phone").get_data(as_text=True)
    assert "Ar fi bine" in inbox
    assert "Ar fi bine" not in client.get("/staff/feedback?status=closed").get_data(as_text=True)


def test_staff_of_another_setting_get_404(client, make, login_as):
    mine, other = make.setting(), make.setting(name="Other")
    item = FeedbackItem(setting_id=other.id, kind="comment", route="public", body="Secret words from elsewhere")
    db.session.add(item)
    login_as(make.user(mine, role="manager"))
    assert client.get(f"/staff/feedback/{item.id}").status_code == 404
    assert "Secret words" not in client.get("/staff/feedback").get_data(as_text=True)


def test_notice_board_poster_has_the_public_address_and_a_qr_code(client, make, login_as):
    setting = make.setting(slug="acorn")
    login_as(make.user(setting, role="practitioner"))
    page = client.get("/staff/feedback/poster").get_data(as_text=True)
    assert "http://localhost/feedback/acorn" in page
    assert "<svg" in page and 'aria-label="QR code of the feedback form"' in page


def test_no_text_a_visitor_types_breaks_the_public_form(client, make):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    make.setting(slug="acorn")
    db.session.commit()

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(kind=st.sampled_from(["comment", "concern", "nonsense", ""]), text=st.text(max_size=300),
           name=st.text(max_size=200))
    def check(kind, text, name):
        from app.extensions import limiter

        limiter.reset()
        response = send(client, "/feedback/acorn", kind=kind, body=text, given_name=name)
        assert response.status_code == 200  # accepted, or refused with a message: never a 500

    check()
    for item in _items():
        assert item.body == item.body.strip() and item.body and len(item.body) <= 4000
        assert not re.search(r"<[a-zA-Z/!?]", item.body)


def test_odd_addresses_and_filters_are_not_errors(client, make, login_as):
    setting = make.setting()
    assert client.get("/feedback/%00").status_code == 404
    login_as(make.user(setting, role="manager"))
    assert client.get("/staff/feedback?route=%00&status=%00&kind=x&owner=abc").status_code == 200
