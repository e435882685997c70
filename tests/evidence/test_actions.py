"""The action plan: create, change, delete, validation, progress and overdue, audit, settings and roles."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.evidence.actions import actions_in_range
from app.evidence.models import Action
from app.extensions import db


@pytest.fixture
def plan(make, frozen_clock):  # today is Monday 23 November 2026
    s = make.setting()
    room = make.room(s, name="Toddlers")
    child = make.child(s, room=room, first_name="Cal")
    pico = make.user(s, role="pico", name="Pat Pico")
    kp = make.user(s, role="key_person", name="Kim Key")
    return s, room, child, pico, kp


def _form(**over):
    data = {"what": "Phone the families who read nothing", "owner_id": "", "due_on": "2026-12-04",
            "status": "planned", "outcome": ""}
    data.update(over)
    return data


def test_create_change_and_delete_an_action_with_audit(plan, login_as):
    s, room, child, pico, kp = plan
    client = login_as(pico)
    response = client.post("/evidence/actions/new", data=_form(owner_id=kp.id, families=[child.id], rooms=[room.id],
                                                               languages=["pl"]))
    assert response.status_code == 302
    action = db.session.scalars(select(Action)).one()
    page = client.get("/evidence/actions").get_data(as_text=True)
    for text in ("Phone the families who read nothing", "Kim Key", "Cal Test, Toddlers, Polski", "Planned",
                 "0 of 1 done"):
        assert text in page, text

    response = client.post(f"/evidence/actions/{action.id}/edit", data=_form(
        owner_id=kp.id, status="done", outcome="Four families now read the newsletter", families=[child.id]))
    assert response.status_code == 302
    page = client.get("/evidence/actions").get_data(as_text=True)
    assert "1 of 1 done" in page and "Four families now read the newsletter" in page and "<td>Cal Test</td>" in page
    db.session.expire_all()
    assert action.closed_on == date(2026, 11, 23)

    client.post(f"/evidence/actions/{action.id}/delete")
    assert db.session.scalars(select(Action)).all() == []
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "action")
                                 .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["action.create", "action.update", "action.delete"]
    assert entries[1].detail == {"status": "done", "outcome": "Four families now read the newsletter",
                                 "rooms": [], "languages": []}
    assert all(e.actor_id == pico.id for e in entries)


@pytest.mark.parametrize("over, message", [
    ({"what": "  "}, "Say what will be done."),
    ({"due_on": ""}, "Enter a date, for example 2026-12-18."),
    ({"due_on": "next week"}, "Not a valid date value."),
    ({"due_on": "2026-11-01"}, "Choose today or a later date."),
    ({"status": "done"}, "Say what came of it before marking it done."),
    ({"status": "finished"}, "Not a valid choice"),
    ({"owner_id": ""}, "Choose who does it."),
    ({"owner_id": "abc"}, "Choose who does it."),
])
def test_bad_input_re_renders_with_the_error_and_keeps_what_was_typed(plan, login_as, over, message):
    s, room, child, pico, kp = plan
    client = login_as(pico)
    data = {"owner_id": pico.id, "what": "Coffee morning for dads", "families": [child.id], **over}
    response = client.post("/evidence/actions/new", data=_form(**data))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "Please check the form" in page
    if "what" not in over and message != "Say what will be done.":
        assert "Coffee morning for dads" in page
    assert db.session.scalars(select(Action)).all() == []


def test_staff_and_families_of_another_setting_cannot_be_chosen(plan, make, login_as):
    s, room, child, pico, kp = plan
    other = make.setting()
    stranger, their_child = make.user(other, role="pico"), make.child(other, first_name="Zed")
    client = login_as(pico)
    page = client.post("/evidence/actions/new", data=_form(owner_id=stranger.id)).get_data(as_text=True)
    assert "Not a valid choice" in page
    client.post("/evidence/actions/new", data=_form(owner_id=pico.id, families=[their_child.id]))
    assert db.session.scalars(select(Action)).all() == []


def test_progress_counts_done_of_not_dropped_and_highlights_overdue(plan, login_as):
    s, room, child, pico, kp = plan
    for what, due, status in (("Late one", date(2026, 11, 1), "in_progress"), ("Done one", date(2026, 11, 2), "done"),
                              ("Dropped one", date(2026, 10, 1), "dropped"), ("Next one", date(2026, 12, 1), "planned")):
        db.session.add(Action(setting_id=s.id, what=what, owner_id=pico.id, due_on=due, status=status))
    client = login_as(pico)
    page = client.get("/evidence/actions").get_data(as_text=True)
    assert "1 of 3 done" in page and "1 dropped, not counted" in page and "1 overdue" in page
    late_row = page.split("Late one")[0].rsplit("<tr", 1)[1]
    assert 'class="overdue"' in late_row and "Overdue" in page.split("Late one")[0].rsplit("<tr", 1)[1]
    for other in ("Done one", "Dropped one", "Next one"):
        assert 'class="overdue"' not in page.split(other)[0].rsplit("<tr", 1)[1]
    only_done = client.get("/evidence/actions", query_string={"status": "done"}).get_data(as_text=True)
    assert "Done one" in only_done and "Late one" not in only_done


def test_actions_in_range_are_those_under_way_then(plan):
    s, room, child, pico, kp = plan
    made = datetime(2026, 9, 10, tzinfo=timezone.utc)
    rows = {"open": None, "closed in October": date(2026, 10, 15), "closed in June": date(2026, 6, 30)}
    for what, closed in rows.items():
        db.session.add(Action(setting_id=s.id, what=what, due_on=date(2026, 12, 1), created_at=made,
                              status="planned" if closed is None else "done", closed_on=closed))
    db.session.add(Action(setting_id=s.id, what="made in December", due_on=date(2027, 1, 1),
                          created_at=datetime(2026, 12, 2, tzinfo=timezone.utc)))
    db.session.flush()
    assert {a.what for a in actions_in_range(s.id, date(2026, 10, 1), date(2026, 11, 30))} == {"open", "closed in October"}
    assert {a.what for a in actions_in_range(s.id, date(2026, 9, 1), date(2026, 12, 31))} == {
        "open", "closed in October", "made in December"}
    assert actions_in_range(s.id + 1000, date(2026, 1, 1), date(2026, 12, 31)) == []


@pytest.mark.parametrize("path, method", [("/evidence/actions/{id}/edit", "get"), ("/evidence/actions/{id}/edit", "post"),
                                          ("/evidence/actions/{id}/delete", "post")])
def test_another_setting_gets_404_other_roles_403(plan, make, login_as, path, method):
    s, room, child, pico, kp = plan
    action = Action(setting_id=s.id, what="Home visits", due_on=date(2026, 12, 1))
    db.session.add(action)
    db.session.flush()
    url = path.format(id=action.id)
    client = login_as(make.user(make.setting(), role="manager"))
    assert getattr(client, method)(url).status_code == 404
    for role in ("key_person", "practitioner"):
        client.post("/logout")
        client = login_as(make.user(s, role=role))
        assert getattr(client, method)(url).status_code == 403
        assert client.get("/evidence/actions").status_code == 403
        assert client.get("/evidence/actions/new").status_code == 403
    assert db.session.get(Action, action.id).what == "Home visits"
