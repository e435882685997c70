"""The PICO's pages: create a workshop, see answers, take the register, thank; meeting-time polls ranked
by families reached. Staff of another setting see nothing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.extensions import db
from app.messaging.models import DevOutboxItem, Message
from app.parents.links import issue_link
from app.workshops import polls, services
from app.workshops.models import Poll, PollSlot, Rsvp, Workshop


def test_pico_creates_a_workshop_in_local_time_and_sends_invitations(client, make, login_as, frozen_clock):
    setting = make.setting()
    room = make.room(setting, "Pre-school")
    pico = make.user(setting, role="pico")
    make.contact(setting, children=[make.child(setting, room=room)], language="bn", channels="email")
    login_as(pico)
    form = {"kind": "workshop", "title": "Stay and play", "description": "Come and play with us.",
            "day_1": "2027-06-15", "start_1": "10:00", "end_1": "11:30", "venue": "Garden room",
            "access_notes": "Step-free", "capacity": "12", "creche": "y", "audience": f"room:{room.id}",
            "rsvp_mode": "family", "deadline": "2027-06-10", "reminder_hours": "24",
            "title_bn": "খেলার সময়", "description_bn": "আমাদের সঙ্গে খেলতে আসুন।"}
    response = client.post("/workshops/new", data=form)
    assert response.status_code == 302
    workshop = db.session.scalar(select(Workshop))
    assert workshop.starts_at == datetime(2027, 6, 15, 9, 0, tzinfo=timezone.utc)  # 10:00 BST
    assert workshop.audience == {"rooms": [room.id]} and workshop.capacity == 12
    assert sorted(workshop.languages) == ["bn", "en"]
    response = client.post(f"/workshops/{workshop.id}/invite", data={"channels": "email"})
    assert response.status_code == 302
    [item] = db.session.scalars(select(DevOutboxItem)).all()
    assert item.subject == "আমন্ত্রণ: খেলার সময়"
    assert "আমাদের সঙ্গে খেলতে আসুন।" in item.body_text


def test_bad_workshop_form_re_renders_with_messages(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="pico"))
    response = client.post("/workshops/new", data={"title": "", "day_1": "", "start_1": "11:00", "end_1": "10:00",
                                                   "audience": "all", "rsvp_mode": "family", "reminder_hours": "24"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give the workshop a title." in page and "The end must be after the start." in page
    assert db.session.scalar(select(Workshop)) is None


def test_staff_of_another_setting_get_404(client, make, login_as, workshop_of):
    setting, other = make.setting(), make.setting(name="Other")
    workshop = workshop_of(setting)
    login_as(make.user(other, role="pico"))
    assert client.get(f"/workshops/{workshop.id}").status_code == 404
    assert client.post(f"/workshops/{workshop.id}/cancel").status_code == 404
    assert db.session.get(Workshop, workshop.id).status == "open"


def test_register_and_thank_those_who_came(client, make, login_as, workshop_of, frozen_clock):
    setting = make.setting()
    came = make.contact(setting, children=[make.child(setting)], channels="email", first_name="Rana")
    absent = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting)
    for contact in (came, absent):
        services.answer(workshop, contact, services.RsvpData(answer="yes"))
    login_as(make.user(setting, role="pico"))
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "Rana" in page
    rsvp = db.session.scalar(select(Rsvp).where(Rsvp.contact_id == came.id))
    client.post(f"/workshops/{workshop.id}/register", data={"attended": [str(rsvp.id)]})
    client.post(f"/workshops/{workshop.id}/thanks")  # before the (last) session: not yet
    assert not [i for i in db.session.scalars(select(DevOutboxItem)) if i.subject.startswith("Thank you")]
    frozen_clock.now = workshop.starts_at + timedelta(hours=1)
    client.post(f"/workshops/{workshop.id}/thanks")
    thanked = [i.to for i in db.session.scalars(select(DevOutboxItem)) if i.subject.startswith("Thank you")]
    assert thanked == [came.email]
    client.post(f"/workshops/{workshop.id}/thanks")  # twice: still once
    assert len([m for m in db.session.scalars(select(Message)) if m.version("en").subject.startswith("Thank")]) == 1


def test_thank_you_has_no_survey_line_without_a_follow_up_feature(app, make, workshop_of, frozen_clock):
    from app.workshops.notices import FOLLOWUP_SURVEY_KEY

    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting)
    services.answer(workshop, parent, services.RsvpData(answer="yes"))
    services.mark_register(workshop, {workshop.rsvps[0].id})
    frozen_clock.now = workshop.starts_at + timedelta(hours=1)
    hook = app.extensions.pop(FOLLOWUP_SURVEY_KEY)
    try:
        message = db.session.get(Message, services.send_thanks(workshop, evaluation=True))
    finally:
        app.extensions[FOLLOWUP_SURVEY_KEY] = hook
    assert "tell us what you thought" not in message.version("en").body_text and message.link_purpose is None


def _poll(setting, audience=None):
    poll = Poll(setting_id=setting.id, title="Bedtime stories evening", audience=audience or {"all": True, "sent": True})
    poll.slots = [PollSlot(starts_at=datetime(2026, 12, d, 17, tzinfo=timezone.utc),
                           ends_at=datetime(2026, 12, d, 18, tzinfo=timezone.utc)) for d in (1, 2, 3)]
    db.session.add(poll)
    db.session.flush()
    return poll


def test_poll_ranks_slots_by_families_reached_and_names_those_no_slot_reaches(make):
    setting = make.setting()
    a_child, b_child, c_child, d_child = (make.child(setting, first_name=n) for n in ("Asha", "Ben", "Cleo", "Dan"))
    a_mum, a_dad = make.contact(setting, children=[a_child]), make.contact(setting, children=[a_child])
    ben_mum = make.contact(setting, children=[b_child])
    cleo_dad = make.contact(setting, children=[c_child])
    dan_gran = make.contact(setting, children=[d_child])
    poll = _poll(setting)
    first, second, third = poll.slots
    polls.save_answers(poll, a_mum, {first.id: "cant", second.id: "works", third.id: "cant"})
    polls.save_answers(poll, a_dad, {first.id: "could", second.id: "works", third.id: "works"})  # same family
    polls.save_answers(poll, ben_mum, {first.id: "works", second.id: "could", third.id: "cant"})
    polls.save_answers(poll, dan_gran, {first.id: "cant", second.id: "could", third.id: "cant"})
    polls.save_answers(poll, cleo_dad, {first.id: "cant", second.id: "cant", third.id: "cant"})
    ranked, unreached = polls.ranking(poll)
    assert [r.slot.id for r in ranked] == [second.id, first.id, third.id]
    # Asha's two parents count as one family: the most willing answer of the family counts
    assert [(r.reached, len(r.works)) for r in ranked] == [(3, 1), (2, 1), (1, 1)]
    assert unreached == ["Cleo"]


def test_parent_answers_the_poll_by_link_and_the_pico_turns_the_best_slot_into_a_workshop(client, make, login_as):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], language="bn")
    poll = _poll(setting)
    token = issue_link(parent, "poll", poll.id)
    db.session.commit()
    url = client.get(client.get(f"/l/{token}").headers["Location"]).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "এই সময়টি আমার জন্য সুবিধাজনক" in page
    first, second, third = poll.slots
    # one slot left out: nothing stored, a message next to it
    page = client.post(url, data={f"slot-{first.id}": "works", f"slot-{second.id}": "cant"}).get_data(as_text=True)
    assert f'id="slot-{third.id}-error"' in page
    assert polls.answers_of(poll, parent) == {}
    client.post(url, data={f"slot-{first.id}": "cant", f"slot-{second.id}": "works", f"slot-{third.id}": "could"})
    assert polls.answers_of(db.session.get(Poll, poll.id), parent)[second.id] == "works"
    client.post("/family/leave")
    login_as(make.user(setting, role="pico"))
    page = client.get(f"/polls/{poll.id}").get_data(as_text=True)
    assert page.index("Wednesday 2 December") < page.index("Tuesday 1 December")  # ranked first
    response = client.post(f"/polls/{poll.id}/choose/{second.id}")
    workshop = db.session.scalar(select(Workshop))
    assert response.headers["Location"].endswith(f"/workshops/{workshop.id}/edit")
    assert workshop.starts_at == second.starts_at and workshop.title == "Bedtime stories evening"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Bedtime stories evening"' in page and 'value="2026-12-02"' in page


def test_pico_proposes_times_and_a_line_not_understood_is_shown(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="pico"))
    page = client.post("/polls/new", data={"title": "Coffee morning", "audience": "all",
                                           "slots": "2026-12-01 09:30-10:30\nnext tuesday"}).get_data(as_text=True)
    assert "This line is not understood: next tuesday" in page
    assert db.session.scalar(select(Poll)) is None
    response = client.post("/polls/new", data={"title": "Coffee morning", "audience": "all",
                                               "slots": "2026-12-01 09:30-10:30\n2026-12-02 15:00-16:00"})
    poll = db.session.scalar(select(Poll))
    assert response.headers["Location"].endswith(f"/polls/{poll.id}")
    assert [s.starts_at.hour for s in poll.slots] == [9, 15]  # December: London is on UTC
    client.post(f"/polls/{poll.id}/send", data={"channels": "email"})
    assert db.session.scalar(select(Message)).link_purpose == "poll"
