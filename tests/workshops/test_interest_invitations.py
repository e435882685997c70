"""Parents who asked to hear about a course ('tell me when there's a course on …') can be invited to a
workshop from its page: they get the invitation with their own RSVP link, and nobody gets it twice."""
from __future__ import annotations

import re

from app.extensions import db
from app.involvement.services import add_interest
from app.workshops.models import Rsvp


def test_the_pico_invites_the_parents_who_asked_for_the_topic(client, make, login_as, smtp, workshop_of):
    setting = make.setting()
    sunflowers, bluebells = make.room(setting, name="Sunflowers"), make.room(setting, name="Bluebells")
    in_room = make.contact(setting, children=[make.child(setting, room=sunflowers)], channels="email",
                           first_name="Rana")
    asked = make.contact(setting, children=[make.child(setting, room=bluebells)], channels="email",
                         first_name="Tomasz", language="pl")
    barred = make.contact(setting, children=[make.child(setting, room=bluebells)], channels="email",
                          restricted=True)
    workshop = workshop_of(setting, audience={"rooms": [sunflowers.id]})
    mine = add_interest(asked, "Messy play")
    room_too = add_interest(in_room, "Messy play")  # already invited through the room
    add_interest(barred, "Messy play")
    login_as(make.user(setting, role="pico"))
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "Messy play – Tomasz" in page and "Rana" not in page.split("Parents who asked")[1].split("</fieldset>")[0]
    assert page.count('name="signup"') == 1  # the restricted contact is never offered

    done = client.post(f"/workshops/{workshop.id}/interested", data={"signup": [mine.id, room_too.id]})
    assert done.status_code == 302
    [invitation] = smtp.to(asked.email)
    assert invitation["Subject"] == "Zaproszenie: Zabawa sensoryczna w domu"
    assert smtp.to(in_room.email) == [] and smtp.to(barred.email) == []
    # Nothing twice: the list is now empty, and re-posting sends nothing.
    assert 'name="signup"' not in client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    again = client.post(f"/workshops/{workshop.id}/interested", data={"signup": [mine.id]}, follow_redirects=True)
    assert "Choose at least one parent" in again.get_data(as_text=True) and len(smtp.to(asked.email)) == 1

    # Their link works: the answer is stored.
    client.post("/logout")
    link = re.search(r"http://localhost(/l/\S+)", invitation.get_body(("plain",)).get_content()).group(1)
    form = client.get(link, follow_redirects=True)
    assert form.status_code == 200
    url = form.request.path
    client.post(url, data={"answer": "yes", "adults": "1", "children": "0", "creche_places": "0",
                           "interpreter": "", "access_needs": "", "note": ""})
    assert db.session.query(Rsvp).filter_by(contact_id=asked.id).one().answer == "yes"
    # Saving the workshop form again keeps them invited.
    client.post("/family/leave")
    login_as(make.user(setting, role="pico"))
    saved = client.post(f"/workshops/{workshop.id}/edit", data={
        "kind": "workshop", "title": "Messy play at home", "description": "", "day_1": "2026-12-01",
        "start_1": "10:00", "end_1": "11:30", "audience": [f"room:{sunflowers.id}"], "rsvp_mode": "family",
        "reminder_hours": "24", "venue": "Family room"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    db.session.expire_all()
    assert asked.id in workshop.audience["contacts"] and workshop.audience["rooms"] == [sunflowers.id]
