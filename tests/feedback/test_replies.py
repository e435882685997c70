"""Staff replies reach the parent by their channel, in their language; 'You said, we did' reaches everyone."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.feedback.models import FeedbackItem
from app.feedback.services import submit
from tests.feedback.helpers import body


def test_reply_arrives_in_the_parents_language_with_the_translated_text(client, make, login_as, smtp):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], language="ro", channels="email")
    item = submit(setting.id, kind="suggestion", body="Mai multe cărți în limba română", route="family",
                  language="ro", contact=contact)
    pico = make.user(setting, role="pico")
    login_as(pico)
    response = client.post(f"/staff/feedback/{item.id}/reply", data={
        "text": "Thank you, we have ordered more books.", "translated": "Vă mulțumim, am comandat mai multe cărți."})
    assert response.status_code == 302
    [got] = smtp.to(contact.email)
    assert got["Subject"] == "Un răspuns la părerea dumneavoastră"
    assert "Vă mulțumim, am comandat mai multe cărți." in body(got)
    assert "Thank you, we have ordered" not in body(got)
    db.session.refresh(item)
    assert item.status == "acknowledged" and item.replies[0].author_id == pico.id


def test_without_a_translation_the_staff_text_goes_under_a_translated_heading(client, make, login_as, smtp):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], language="so", channels="email")
    item = submit(setting.id, kind="comment", body="Haye", route="family", language="so", contact=contact)
    login_as(make.user(setting, role="manager"))
    client.post(f"/staff/feedback/{item.id}/reply", data={"text": "Thank you for your comment."})
    [got] = smtp.to(contact.email)
    assert got["Subject"] == "Jawaab ku saabsan fikraddaada"
    assert "Thank you for your comment." in body(got)


def test_anonymous_items_cannot_be_replied_to(client, make, login_as, smtp):
    setting = make.setting()
    item = submit(setting.id, kind="comment", body="Nice", route="public", language="en", anonymous=True)
    login_as(make.user(setting, role="manager"))
    page = client.get(f"/staff/feedback/{item.id}").get_data(as_text=True)
    assert "Reply to the parent" not in page
    assert client.post(f"/staff/feedback/{item.id}/reply", data={"text": "Hi"}).status_code == 400
    assert smtp.messages == []


def test_bad_reply_rerenders_with_the_error(client, make, login_as):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    item = submit(setting.id, kind="comment", body="Hi", route="family", language="en", contact=contact)
    login_as(make.user(setting, role="manager"))
    response = client.post(f"/staff/feedback/{item.id}/reply", data={"text": "<script>x</script>"})
    assert response.status_code == 400
    assert "Please remove code or web tags" in response.get_data(as_text=True)


def test_you_said_we_did_goes_to_every_family_in_their_language_when_written(client, make, login_as, smtp):
    setting = make.setting()
    child = make.child(setting)
    english, polish, urdu = (make.contact(setting, children=[child], channels="email", language=lang)
                             for lang in ("en", "pl", "ur"))
    login_as(make.user(setting, role="pico"))
    response = client.post("/staff/feedback/you-said-we-did", data={
        "text": "You asked for later pick-up on Fridays: from January we close at 6pm.",
        "text_pl": "Prosiliście o późniejszy odbiór w piątki: od stycznia zamykamy o 18:00."})
    assert response.status_code == 302
    [got] = smtp.to(english.email)
    assert got["Subject"] == "You said, we did" and "we close at 6pm" in body(got)
    [got] = smtp.to(polish.email)
    assert got["Subject"] == "Wy mówiliście, my zrobiliśmy" and "zamykamy o 18:00" in body(got)
    [got] = smtp.to(urdu.email)  # no Urdu version: the setting's own language
    assert "we close at 6pm" in body(got)
    assert db.session.scalars(select(FeedbackItem)).all() == []


def test_you_said_we_did_needs_the_settings_own_language(client, make, login_as, smtp):
    setting = make.setting()
    login_as(make.user(setting, role="manager"))
    response = client.post("/staff/feedback/you-said-we-did", data={"text": "", "text_pl": "Tylko po polsku"})
    assert response.status_code == 200 and "Please write your message." in response.get_data(as_text=True)
    assert smtp.messages == []


def test_practitioners_cannot_publish_you_said_we_did(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="practitioner"))
    assert client.post("/staff/feedback/you-said-we-did", data={"text": "x"}).status_code == 403
