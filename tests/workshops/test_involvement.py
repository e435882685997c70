"""Involvement: parents join the forum, offer help, share skills and ask for courses by link; the PICO
accepts members for a term, publishes meetings, confirms helpers, searches skills."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from app.extensions import db
from app.involvement import services
from app.involvement.models import ForumMeeting, ForumMember, InterestSignup, Opportunity, VolunteerSignup, VolunteerSlot
from app.messaging.models import DevOutboxItem
from app.parents.links import issue_link


def _open(client, contact, purpose="involve"):
    token = issue_link(contact, purpose)
    db.session.commit()
    response = client.get(f"/l/{token}")
    assert response.status_code == 302
    return response.headers["Location"]


def _opportunity(setting, needed=1, days=3):
    start = datetime(2026, 11, 23, 9, tzinfo=timezone.utc) + timedelta(days=days)
    opportunity = Opportunity(setting_id=setting.id, title="Trip to the farm", description="Walk with a small group.")
    opportunity.slots = [VolunteerSlot(starts_at=start, ends_at=start + timedelta(hours=3), needed=needed)]
    db.session.add(opportunity)
    db.session.flush()
    return opportunity


def test_parent_asks_to_join_the_forum_and_the_pico_accepts_for_a_term(client, make, login_as, frozen_clock):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], first_name="Joy", language="so")
    url = _open(client, parent)
    assert url.endswith("/involved")
    page = client.post(url, data={"action": "join"}, follow_redirects=True).get_data(as_text=True)
    assert "Mahadsanid. Waan kula soo xiriiri doonnaa" in page  # thanked in Somali
    member = db.session.scalar(select(ForumMember))
    assert member.status == "pending" and not services.is_member(parent)
    client.post("/family/leave")
    login_as(make.user(setting, role="pico"))
    client.post(f"/involvement/members/{member.id}", data={"accept-term_start": "2026-11-23",
                                                           "accept-term_end": "2027-07-31", "accept-role": "Chair"})
    db.session.expire_all()
    assert services.is_member(parent)
    assert db.session.get(ForumMember, member.id).term_end == date(2027, 7, 31)
    frozen_clock.now = datetime(2027, 8, 1, 9, tzinfo=timezone.utc)
    assert not services.is_member(parent)  # the term of office is over


def test_meeting_minutes_go_to_members_only_unless_shared_with_all(make, workshop_of):
    setting = make.setting()
    member = make.contact(setting, children=[make.child(setting)], channels="email")
    other = make.contact(setting, children=[make.child(setting)], channels="email")
    services.accept(services.ask_to_join(member), date(2026, 9, 1), None)
    meeting = ForumMeeting(setting_id=setting.id, title="Autumn forum", starts_at=datetime(2026, 11, 20, 18, tzinfo=timezone.utc),
                           agenda="1. Garden", minutes="We agreed to plant bulbs.")
    db.session.add(meeting)
    from app.workshops.notices import start

    start(services.publish(meeting, setting))
    assert [i.to for i in db.session.scalars(select(DevOutboxItem))] == [member.email]
    assert [m.title for m in services.meetings_for(member)] == ["Autumn forum"]
    assert services.meetings_for(other) == []
    meeting.all_parents = True
    assert [m.title for m in services.meetings_for(other)] == ["Autumn forum"]


def test_parent_offers_help_staff_confirm_and_a_full_slot_refuses_more(client, make, login_as, frozen_clock):
    setting = make.setting()
    first = make.contact(setting, children=[make.child(setting)], channels="email")
    second = make.contact(setting, children=[make.child(setting)], channels="email")
    opportunity = _opportunity(setting, needed=1)
    slot = opportunity.slots[0]
    url = _open(client, first)
    page = client.get(url).get_data(as_text=True)
    assert "Trip to the farm" in page and "Helpers: 0 of 1" in page
    client.post(url, data={"action": f"offer:{slot.id}"})
    other = client.application.test_client()
    url2 = _open(other, second)
    page = other.post(url2, data={"action": f"offer:{slot.id}"}, follow_redirects=True).get_data(as_text=True)
    assert "we already have enough helpers" in page
    signups = db.session.scalars(select(VolunteerSignup)).all()
    assert [(s.contact_id, s.status) for s in signups] == [(first.id, "offered")]
    login_as(make.user(setting, role="pico"))
    assert first.full_name in client.get("/involvement").get_data(as_text=True)
    client.post(f"/involvement/signups/{signups[0].id}/confirm")
    db.session.expire_all()
    assert db.session.get(VolunteerSignup, signups[0].id).status == "confirmed"


def test_a_slot_of_another_setting_cannot_be_signed_up_for(client, make, frozen_clock):
    setting, other = make.setting(), make.setting(name="Other")
    parent = make.contact(setting, children=[make.child(setting)])
    foreign = _opportunity(other)
    url = _open(client, parent)
    page = client.post(url, data={"action": f"offer:{foreign.slots[0].id}"}, follow_redirects=True).get_data(as_text=True)
    assert "no longer available" in page
    assert db.session.scalar(select(VolunteerSignup)) is None
    assert "Trip to the farm" not in page


def test_volunteer_reminder_goes_to_confirmed_helpers_once(make, frozen_clock):
    setting = make.setting()
    confirmed = make.contact(setting, children=[make.child(setting)], channels="email")
    offered = make.contact(setting, children=[make.child(setting)], channels="email")
    slot = _opportunity(setting, needed=2, days=3).slots[0]
    services.confirm(services.offer_help(slot, confirmed))
    services.offer_help(slot, offered)
    db.session.commit()
    assert services.send_volunteer_reminders() == []
    frozen_clock.now = slot.starts_at - timedelta(hours=20)
    assert len(services.send_volunteer_reminders()) == 1
    assert services.send_volunteer_reminders() == []
    assert [i.to for i in db.session.scalars(select(DevOutboxItem))] == [confirmed.email]


def test_skills_and_interests_by_link_and_the_pico_searches_skills(client, make, login_as):
    setting = make.setting()
    cook = make.contact(setting, children=[make.child(setting)], first_name="Ama")
    singer = make.contact(setting, children=[make.child(setting)], first_name="Bo")
    url = _open(client, cook)
    client.post(url, data={"action": "skills", "skills-skills": "Cooking West African food; Twi"})
    client.post(url, data={"action": "interest", "interest-topic": "Helping with speech"})
    page = client.post(url, data={"action": "interest", "interest-topic": ""}).get_data(as_text=True)
    assert "Please write a topic." in page
    assert [i.topic for i in db.session.scalars(select(InterestSignup))] == ["Helping with speech"]
    services.save_skills(singer, "Music, guitar")
    client.post("/family/leave")
    login_as(make.user(setting, role="pico"))
    page = client.get("/involvement?q=cooking").get_data(as_text=True)
    offers = page.split('id="skill-offers"')[1].split("</ul>")[0]
    assert "Ama" in offers and "Bo" not in offers
    assert "Helping with speech" in page
