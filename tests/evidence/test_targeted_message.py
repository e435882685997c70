"""A message to the families ticked on the not-engaged list reaches exactly their contacts, through the outbox."""
from sqlalchemy import select

from app.extensions import db
from app.lists.models import SavedList
from app.messaging.models import Delivery
from app.newsletters.models import Issue
from tests.evidence import records as r
from tests.messaging.conftest import queue, smtp  # noqa: F401


def test_message_to_ticked_families_reaches_exactly_them(make, login_as, smtp, frozen_clock):  # noqa: F811
    s = make.setting()
    quiet, silent, busy = (make.child(s, first_name=n) for n in ("Quinn", "Sid", "Bea"))
    q1 = make.contact(s, children=[quiet], first_name="Q1", channels="email")
    q2 = make.contact(s, children=[quiet], first_name="Q2", channels="email")
    s1 = make.contact(s, children=[silent], first_name="S1", channels="email")
    court = make.contact(s, children=[silent], first_name="Court", restricted=True, channels="email")
    b1 = make.contact(s, children=[busy], first_name="B1", channels="email")
    left_out = make.contact(s, children=[make.child(s, first_name="Lou")], first_name="L1", channels="email")
    r.acknowledge(s, q1, r.issue(s))  # Quinn: low; Sid: none; Lou: none (not ticked)
    r.tried(s, b1); r.read(s, b1, r.issue(s)); r.feedback(s, b1)  # noqa: E702  Bea: high, not on the list
    other = make.setting()
    stranger = make.child(other, first_name="Zed")
    make.contact(other, children=[stranger], first_name="Z1")
    client = login_as(make.user(s, role="pico"))

    response = client.post("/evidence/not-engaged/message", data={
        "family": [quiet.id, silent.id, busy.id, stranger.id], "filtered": 1, "level": ["none", "low"]})
    assert response.status_code == 302
    saved = db.session.scalars(select(SavedList)).one()
    assert response.headers["Location"].endswith(f"/newsletters/new?saved_list={saved.id}")
    compose = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The 3 contacts of 2 families are saved as the list" in compose
    assert f'<option selected value="{saved.id}">' in compose or f'value="{saved.id}" selected' in compose

    client.post("/newsletters/new", data={"kind": "newsletter", "audience_kind": "saved_list", "saved_list": saved.id,
                                          "one_per_family": "every", "channels": "email"})
    issue = db.session.scalars(select(Issue).order_by(Issue.id.desc())).first()
    client.post(f"/newsletters/{issue.id}/versions/en", data={"title": "Come and play", "body_md": "Stay and play on Friday.",
                                                              "sms_text": "", "status": "approved"})
    client.post(f"/newsletters/{issue.id}/send", data={"when": "now"})

    reached = {c.first_name for c in (q1, q2, s1, court, b1, left_out) if smtp.to(c.email)}
    assert reached == {"Q1", "Q2", "S1"}
    assert {d.contact_id for d in db.session.scalars(select(Delivery))} == {q1.id, q2.id, s1.id}
    assert all(smtp.to(c.email)[0]["Subject"] == "Come and play" for c in (q1, q2, s1))


def test_nothing_ticked_keeps_the_filters(make, login_as, frozen_clock):
    s = make.setting()
    room = make.room(s, name="Babies")
    client = login_as(make.user(s, role="pico"))
    response = client.post("/evidence/not-engaged/message", data={"filtered": 1, "level": ["low"], "room": room.id})
    assert response.status_code == 302 and f"room={room.id}" in response.headers["Location"]
    assert "level=low" in response.headers["Location"]
    assert "Tick at least one family." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(select(SavedList)).all() == []
