"""Parents answer an invitation by their personal link: answers, changes, needs, the waiting list,
the deadline, cancelled workshops, foreign links, and two parents of one child."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.messaging.models import DevOutboxItem
from app.parents.links import issue_link
from app.workshops import services
from app.workshops.models import Rsvp


def _open(client, contact, workshop):
    token = issue_link(contact, "rsvp", workshop.id)
    db.session.commit()
    response = client.get(f"/l/{token}")
    assert response.status_code == 302
    response = client.get(response.headers["Location"])
    assert response.status_code == 302
    return response.headers["Location"]


def _post(client, url, **data):
    form = {"adults": "1", "children": "0", "creche_places": "0", "interpreter": "",
            "access_needs": "", "note": ""}
    form.update({k: str(v) for k, v in data.items()})
    return client.post(url, data=form, follow_redirects=True)


def _sent_to(contact):
    return db.session.scalars(select(DevOutboxItem).where(DevOutboxItem.to == contact.email)
                              .order_by(DevOutboxItem.id)).all()


def test_yes_with_needs_is_booked_and_confirmed_in_the_parents_language(client, make, workshop_of):
    setting = make.setting()
    child = make.child(setting)
    parent = make.contact(setting, children=[child], language="pl")
    workshop = workshop_of(setting, capacity=10, creche=True)
    url = _open(client, parent, workshop)
    page = client.get(url).get_data(as_text=True)
    assert "Zabawa sensoryczna w domu" in page  # the Polish title
    assert "Czy możesz przyjść?" in page
    response = _post(client, url, answer="yes", adults=2, children=1, creche_places=1, interpreter="pl",
                     access_needs="Step-free access please")
    assert response.status_code == 200
    rsvp = db.session.scalar(select(Rsvp))
    assert (rsvp.answer, rsvp.place, rsvp.adults, rsvp.children, rsvp.creche_places) == ("yes", "confirmed", 2, 1, 1)
    assert rsvp.interpreter_language == "pl" and rsvp.access_needs == "Step-free access please"
    [confirmation] = _sent_to(parent)
    assert confirmation.subject == "Twoje miejsce: Zabawa sensoryczna w domu"
    assert "wtorek 1 grudnia 2026, 10:00–11:30" in confirmation.body_text  # Europe/London, in Polish


def test_change_until_the_deadline_then_refused(client, make, workshop_of, frozen_clock):
    from datetime import timedelta

    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)])
    workshop = workshop_of(setting, rsvp_deadline=frozen_clock.now + timedelta(days=2))
    url = _open(client, parent, workshop)
    _post(client, url, answer="yes", adults=1)
    page = _post(client, url, answer="maybe", adults=2).get_data(as_text=True)
    rsvp = db.session.scalar(select(Rsvp))
    assert (rsvp.answer, rsvp.adults) == ("maybe", 2)
    assert "Change my answer" in page
    frozen_clock.advance(days=3)
    url = _open(client, parent, workshop)  # a new visit after the deadline
    assert "The date for replies has passed" in client.get(url).get_data(as_text=True)
    page = client.post(url, data={"answer": "no"}, follow_redirects=True).get_data(as_text=True)
    assert "The date for replies has passed" in page
    db.session.expire_all()
    assert db.session.scalar(select(Rsvp)).answer == "maybe"  # nothing changed


def test_full_workshop_puts_parents_on_the_waiting_list_and_promotes_when_a_place_frees(client, make, workshop_of):
    from flask.testing import FlaskClient  # noqa: F401

    setting = make.setting()
    first = make.contact(setting, children=[make.child(setting)])
    second = make.contact(setting, children=[make.child(setting)], language="bn")
    workshop = workshop_of(setting, capacity=2)
    url_first = _open(client, first, workshop)
    _post(client, url_first, answer="yes", adults=2)
    other = client.application.test_client()
    url_second = _open(other, second, workshop)
    page = _post(other, url_second, answer="yes", adults=1).get_data(as_text=True)
    places = {r.contact_id: r.place for r in db.session.scalars(select(Rsvp))}
    assert places == {first.id: "confirmed", second.id: "waiting"}
    assert "অপেক্ষার তালিকায়" in page  # Bengali: "on the waiting list"
    assert "Waiting list" not in _sent_to(second)[0].subject  # told in Bengali
    # the first family can no longer come: the place goes to the waiting list, who are told
    _post(client, url_first, answer="no")
    places = {r.contact_id: r.place for r in db.session.scalars(select(Rsvp))}
    assert places == {first.id: "declined", second.id: "confirmed"}
    told = _sent_to(second)[-1]
    assert told.body_text.startswith("ভালো খবর")  # "Good news: a place has come free"


def test_cancelled_workshop_refuses_answers(client, make, workshop_of):
    from app.workshops.services import cancel

    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)])
    workshop = workshop_of(setting)
    url = _open(client, parent, workshop)
    cancel(workshop)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "This workshop has been cancelled" in page
    response = client.post(url, data={"answer": "yes", "adults": "1"}, follow_redirects=True)
    assert "This workshop has been cancelled" in response.get_data(as_text=True)
    assert db.session.scalar(select(Rsvp)) is None


def test_a_link_for_one_workshop_cannot_answer_another_or_another_settings(client, make, workshop_of):
    setting, other_setting = make.setting(), make.setting(name="Other")
    parent = make.contact(setting, children=[make.child(setting)])
    mine, second = workshop_of(setting), workshop_of(setting)
    foreign = workshop_of(other_setting)
    _open(client, parent, mine)
    assert client.get(f"/rsvp/{second.id}").status_code == 404
    assert client.post(f"/rsvp/{foreign.id}", data={"answer": "yes"}).status_code == 404
    assert client.get("/l/made-up.token").status_code == 404
    assert db.session.scalar(select(Rsvp)) is None


def test_not_invited_room_cannot_answer_from_the_family_page(client, make, workshop_of):
    setting = make.setting()
    room_a, room_b = make.room(setting), make.room(setting)
    parent = make.contact(setting, children=[make.child(setting, room=room_b)])
    workshop = workshop_of(setting, audience={"rooms": [room_a.id]})
    token = issue_link(parent)
    db.session.commit()
    client.get(f"/l/{token}")
    assert client.get(f"/rsvp/{workshop.id}").status_code == 404
    assert "Messy play" not in client.get("/family").get_data(as_text=True)


def test_per_family_mode_two_parents_share_one_answer(client, make, workshop_of):
    setting = make.setting()
    child = make.child(setting)
    mum = make.contact(setting, children=[child], first_name="Ayesha")
    dad = make.contact(setting, children=[child], first_name="Tom")
    workshop = workshop_of(setting, capacity=3, rsvp_mode="family")
    _post(client, _open(client, mum, workshop), answer="yes", adults=2)
    other = client.application.test_client()
    url = _open(other, dad, workshop)
    page = other.get(url).get_data(as_text=True)
    assert "<bdi>Ayesha</bdi> answered for your family" in page
    _post(other, url, answer="yes", adults=1)
    [rsvp] = db.session.scalars(select(Rsvp)).all()  # one answer for the family, changed by dad
    assert (rsvp.contact_id, rsvp.adults, rsvp.place) == (dad.id, 1, "confirmed")


def test_per_contact_mode_each_parent_answers_for_themselves(client, make, workshop_of):
    setting = make.setting()
    child = make.child(setting)
    mum = make.contact(setting, children=[child])
    dad = make.contact(setting, children=[child])
    workshop = workshop_of(setting, rsvp_mode="contact")
    _post(client, _open(client, mum, workshop), answer="yes")
    other = client.application.test_client()
    _post(other, _open(other, dad, workshop), answer="no")
    answers = {r.contact_id: r.answer for r in db.session.scalars(select(Rsvp))}
    assert answers == {mum.id: "yes", dad.id: "no"}


def test_yes_without_adults_is_refused_with_a_message(client, make, workshop_of):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)])
    workshop = workshop_of(setting)
    url = _open(client, parent, workshop)
    page = _post(client, url, answer="yes", adults=0, children=1, creche_places=3).get_data(as_text=True)
    assert "Please tell us how many adults will come" in page
    assert db.session.scalar(select(Rsvp)) is None


def test_a_booked_family_asking_for_more_places_than_are_left_keeps_its_booking(client, make, workshop_of):
    setting = make.setting()
    first = make.contact(setting, children=[make.child(setting)])
    second = make.contact(setting, children=[make.child(setting)])
    workshop = workshop_of(setting, capacity=3)
    services.answer(workshop, second, services.RsvpData(answer="yes", adults=2))
    url = _open(client, first, workshop)
    _post(client, url, answer="yes", adults=1)
    page = _post(client, url, answer="yes", adults=3, note="changed").get_data(as_text=True)
    assert "not enough places left for that many adults" in page
    assert 'id="adults-error"' in page
    db.session.expire_all()
    rsvp = db.session.scalar(select(Rsvp).where(Rsvp.contact_id == first.id))
    assert (rsvp.adults, rsvp.place, rsvp.note) == (1, "confirmed", "")
