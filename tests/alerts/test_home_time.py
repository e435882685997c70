"""Home time: the children still here this session (by session pattern), collected / absent marks."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.alerts.models import Alert, HomeTimeMark
from app.extensions import db

# The frozen clock starts on Monday 23 November 2026 at 09:00 in London.


def _sections(page: str) -> tuple[str, str, str]:
    """(still here, collected or absent, not booked) parts of the home-time page."""
    here, _, rest = page.partition("Collected or absent today (")
    if not rest:
        here, _, rest = page.partition("Not booked for this session (")
        return here, "", rest
    marked, _, elsewhere = rest.partition("Not booked for this session (")
    return here, marked, elsewhere


def _here(page: str) -> set[str]:
    """Children offered the 'Not collected' button in the still-here list."""
    here = _sections(page)[0]
    return {part.split('"')[0] for part in here.split('aria-label="Not collected: ')[1:]}


def _nursery(make):
    setting = make.setting()
    room = make.room(setting, "Pre-school")
    kids = {name: make.child(setting, room=room, first_name=name, last_name="Test", session_pattern=pattern)
            for name, pattern in (("Morning", {"mon": "am", "tue": "full"}), ("Afternoon", {"mon": "pm"}),
                                  ("Fullday", {"mon": "full"}), ("Tuesday", {"tue": "am"}),
                                  ("Unknown", None))}
    make.child(setting, room=room, first_name="Gone", leaving_date=date(2026, 11, 20))
    make.child(setting, room=room, first_name="Later", start_date=date(2026, 12, 1))
    make.child(setting, first_name="Elsewhere", session_pattern={"mon": "am"})  # another room
    user = make.user(setting, role="practitioner", room=room)
    return setting, room, kids, user


def test_morning_lists_who_is_booked_and_those_without_a_pattern(make, login_as, frozen_clock):
    setting, room, kids, user = _nursery(make)
    client = login_as(user)
    page = client.get("/alerts/home-time").get_data(as_text=True)
    assert "Morning session" in page and "Monday, 23 November 2026" in page
    assert _here(page) == {"Morning Test", "Fullday Test", "Unknown Test"}
    assert "No session pattern" in _sections(page)[0]  # Unknown is listed so nobody is missed
    assert "Not booked for this session (2)" in page and "Afternoon Test" not in page
    everyone = client.get("/alerts/home-time?all=1").get_data(as_text=True)
    assert {"Afternoon Test", "Tuesday Test"} <= {p.split('"')[0] for p in _sections(everyone)[2]
                                                  .split('aria-label="Not collected: ')[1:]}
    for absent in ("Gone", "Later", "Elsewhere"):
        assert absent not in everyone


def test_afternoon_keeps_a_morning_child_not_marked_collected(make, login_as, frozen_clock):
    setting, room, kids, user = _nursery(make)
    frozen_clock.advance(hours=5)  # 14:00
    page = login_as(user).get("/alerts/home-time").get_data(as_text=True)
    assert "Afternoon session" in page
    assert _here(page) == {"Morning Test", "Afternoon Test", "Fullday Test", "Unknown Test"}
    here = _sections(page)[0]
    assert here.index("Morning Test") < here.index("Afternoon Test")  # the one whose session is over first
    assert "Morning session over" in here
    morning = login_as(user).get("/alerts/home-time?session=am").get_data(as_text=True)
    assert "Afternoon Test" not in _here(morning)


def test_afternoon_start_comes_from_the_options(make, login_as, frozen_clock):
    setting, room, kids, user = _nursery(make)
    manager = login_as(make.user(setting, role="manager"))
    form = {"escalate_minutes": "10", "limit_minutes": "60", "closing_time": "18:00", "afternoon_from": "9.00"}
    page = manager.post("/alerts/options", data=form)
    assert page.status_code == 200 and "Write the time as HH:MM" in page.get_data(as_text=True)
    assert manager.post("/alerts/options", data={**form, "afternoon_from": "08:30"}).status_code == 302
    page = login_as(user).get("/alerts/home-time").get_data(as_text=True)
    assert "Afternoon session" in page and "Afternoon Test" in _here(page)


def test_collected_and_absent_take_a_child_off_the_list_until_undone(make, login_as, frozen_clock):
    setting, room, kids, user = _nursery(make)
    client = login_as(user)
    client.post(f"/alerts/home-time/{kids['Morning'].id}/mark", data={"kind": "collected"})
    client.post(f"/alerts/home-time/{kids['Morning'].id}/mark", data={"kind": "collected"})  # double tap
    response = client.post(f"/alerts/home-time/{kids['Unknown'].id}/mark", data={"kind": "absent"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert _here(page) == {"Fullday Test"}
    marked = _sections(page)[1]
    assert "Morning Test: Collected, 09:00" in marked and user.name in marked
    assert "Unknown Test: Absent today" in marked
    assert db.session.scalar(select(func.count(HomeTimeMark.id))) == 2
    page = client.post(f"/alerts/home-time/{kids['Morning'].id}/unmark", follow_redirects=True).get_data(as_text=True)
    assert "Morning Test is back on the list." in page and "Morning Test" in _here(page)
    frozen_clock.advance(days=1)  # Tuesday: marks were for Monday only
    page = client.get("/alerts/home-time").get_data(as_text=True)
    assert _here(page) == {"Morning Test", "Tuesday Test", "Unknown Test"}


def test_bad_mark_and_children_out_of_reach_are_refused(make, login_as, frozen_clock):
    setting, room, kids, user = _nursery(make)
    client = login_as(user)
    assert client.post(f"/alerts/home-time/{kids['Morning'].id}/mark", data={"kind": "gone"}).status_code == 400
    next_door = make.child(setting, first_name="Nextdoor")  # same setting, not in the practitioner's room
    assert client.post(f"/alerts/home-time/{next_door.id}/mark", data={"kind": "collected"}).status_code == 403
    other = make.child(make.setting(name="Other"), first_name="Stranger")
    assert client.post(f"/alerts/home-time/{other.id}/mark", data={"kind": "collected"}).status_code == 404
    assert db.session.scalar(select(func.count(HomeTimeMark.id))) == 0


def test_an_open_alert_stays_listed_and_collection_marks_the_child(family, make, login_as, client, twilio,
                                                                   frozen_clock):
    child = family["child"]
    child.session_pattern = {"tue": "am"}  # not booked today, but an alert is open
    login_as(family["practitioner"])
    client.post(f"/alerts/raise/{child.id}")
    page = client.get("/alerts/home-time").get_data(as_text=True)
    assert "Alert open: see replies" in _sections(page)[0]
    alert = db.session.scalar(select(Alert))
    client.post(f"/alerts/{alert.id}/collected", data={"collector": str(family["gran"].links[0].id)})
    page = client.get("/alerts/home-time").get_data(as_text=True)
    assert "Amara Okafor: Collected" in _sections(page)[1]
    mark = db.session.scalar(select(HomeTimeMark))
    assert (mark.kind, mark.day, mark.marked_by_id) == ("collected", date(2026, 11, 23), family["practitioner"].id)
