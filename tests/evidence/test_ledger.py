"""The engagement ledger: each kind of event on one family's timeline; confidential answers never shown."""
from datetime import date

import pytest
from sqlalchemy import event, select

from app.evidence import engagement
from app.extensions import db
from app.surveys.models import SurveyInvitation
from tests.evidence import records as r
from tests.evidence.records import LAST_TERM


@pytest.fixture
def family(make, frozen_clock):
    s = make.setting()
    kp = make.user(s, role="key_person")
    child = make.child(s, key_person=kp, first_name="Ada", room=make.room(s, name="Toddlers"))
    mum = make.contact(s, children=[child], first_name="Amy", last_name="Ash")
    dad = make.contact(s, children=[child], first_name="Tom", last_name="Ash")
    return s, child, kp, mum, dad


def _page(client, child, **query):
    response = client.get(f"/evidence/families/{child.id}", query_string=query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_ledger_shows_each_kind_of_event_and_the_level(family, make, login_as):
    s, child, _, mum, dad = family
    r.delivery(s, mum, subject="Harvest festival")
    r.delivery(s, dad, subject="Nits notice", status="suppressed", reason="unsubscribed")
    news = r.issue(s, "October newsletter")
    r.read(s, mum, news)
    r.acknowledge(s, dad, r.issue(s, "New sickness policy"))
    w = r.workshop(s, "Messy play workshop")
    r.rsvp(s, mum, w, attended=True)
    r.poll_answer(s, dad, "Coffee morning times")
    r.volunteered(s, dad, "Autumn walk")
    r.forum(s, mum)
    r.skills(s, dad, "Baking bread")
    r.interest(s, mum, "First aid course")
    item = r.feedback(s, mum, kind="compliment")
    r.tried(s, dad, "Leaf rubbing", note="She loved it")
    r.texted(s, mum, "See you Friday")
    r.read(s, mum, r.issue(s, "June newsletter"), at=LAST_TERM)
    client = login_as(make.user(s, role="pico"))
    page = _page(client, child)
    for text in ("Message sent by email: Harvest festival", "Message not received by email: Nits notice",
                 "Opened October newsletter", "Confirmed they read and understood New sickness policy",
                 "Answered the invitation to Messy play workshop: yes", "Came to Messy play workshop",
                 "Said which meeting times suit them: Coffee morning times", "Offered to help: Autumn walk",
                 "Asked to join the parents&#39; forum (now waiting for the PICO)", "Offered skills: Baking bread",
                 "Asked to hear about: First aid course", "Gave feedback (compliment)",
                 "Tried Leaf rubbing at home: “She loved it”", "Replied by text: “See you Friday”",
                 "Level: High", "Amy Ash", "Tom Ash", f"/staff/feedback/{item.id}"):
        assert text in page, text
    assert "(7 of 8 kinds of taking part)" in page  # all but a questionnaire, as the list of families counts
    start, end = engagement.bounds(date(2026, 9, 1), date(2026, 12, 31), "Europe/London")
    assert [row.kinds for row in engagement.families(s.id, start, end, date(2026, 11, 23))] == [7]
    assert "June newsletter" not in page  # last term
    assert "June newsletter" in _page(client, child, term="summer-2026")
    assert "Level: None" in _page(client, child, term="spring-2026")


def test_what_is_shown_but_not_counted(family, make, login_as):
    """A waiting-list answer still counts as a reply; a place withdrawn, a STOP and an unanswered invitation are
    shown and not counted; coming this term to a workshop answered last term counts as attending only."""
    s, child, _, mum, dad = family
    waiting = r.rsvp(s, mum, r.workshop(s, "Baby massage"), answer="maybe")
    waiting.place = "waiting"
    r.rsvp(s, dad, r.workshop(s, "Storytime"), at=LAST_TERM, attended=True)
    r.volunteered(s, dad, "Book sale", status="withdrawn")
    r.texted(s, mum, body="STOP", keyword="stop")
    db.session.add(SurveyInvitation(setting_id=s.id, survey_id=r.survey(s, "Lunch menu").id, contact_id=dad.id,
                                    invited_at=r.IN_TERM, responded=False))
    page = _page(login_as(make.user(s, role="pico")), child)
    for text in ("Answered the invitation to Baby massage: maybe (on the waiting list)", "Came to Storytime",
                 "Offered to help, then withdrew: Book sale", "Texted STOP",
                 "Invited to the questionnaire Lunch menu: no answer yet", "(2 of 8 kinds of taking part)"):
        assert text in page, text
    assert "Answered the invitation to Storytime" not in page  # that answer was last term


def test_ledger_reads_each_source_once_whatever_the_timeline_holds(family, make, login_as, app):
    s, child, _, mum, dad = family
    for i in range(3):
        r.delivery(s, mum, subject=f"News {i}")
        r.read(s, mum, r.issue(s, f"Issue {i}"))
        r.tried(s, dad, f"Activity {i}")
    client = login_as(make.user(s, role="pico"))
    client.get(f"/evidence/families/{child.id}")  # warm up (login, caches)
    counted = []
    listener = lambda *args: counted.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        _page(client, child)
        few = len(counted)
        for i in range(20):
            r.delivery(s, dad, subject=f"More {i}")
            r.texted(s, mum, f"Reply {i}")
        db.session.commit()
        counted.clear()
        _page(client, child)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(counted) == few  # no query per event


def test_confidential_answers_never_appear_named_ones_are_one_link_away(family, make, login_as):
    s, child, _, mum, dad = family
    secret = r.survey(s, "Annual questionnaire", mode="confidential")
    r.answered(s, mum, secret, answer="SECRET opinion about staff")
    named = r.survey(s, "Forum nominations", mode="named")
    r.answered(s, dad, named, answer="I would like to join", named=True)
    unanswered = r.survey(s, "Lunch menu")
    db.session.add(SurveyInvitation(setting_id=s.id, survey_id=unanswered.id, contact_id=dad.id,
                                    invited_at=r.IN_TERM, responded=False))
    client = login_as(make.user(s, role="pico"))
    page = _page(client, child)
    assert "Responded to the confidential questionnaire Annual questionnaire (answers are not shown)" in page
    assert "SECRET" not in page
    assert "Invited to the questionnaire Lunch menu: no answer yet" in page
    link = f"/evidence/families/{child.id}/questionnaires/{named.id}/{dad.id}"
    assert f'href="{link}"' in page and "Answered the questionnaire Forum nominations" in page
    assert "I would like to join" not in page
    assert "I would like to join" in client.get(link).get_data(as_text=True)
    # the confidential survey has no answers page, for anyone
    for url in (f"/evidence/families/{child.id}/questionnaires/{secret.id}/{mum.id}",
                f"/evidence/families/{child.id}/questionnaires/{named.id}/{mum.id}"):
        assert client.get(url).status_code == 404
    all_pages = page + client.get("/evidence/not-engaged", query_string={"filtered": 1}).get_data(as_text=True)
    assert "SECRET" not in all_pages


def test_who_may_see_a_ledger(family, make, login_as):
    s, child, kp, mum, _ = family
    other = make.setting()
    outsider = login_as(make.user(other, role="manager"))
    assert outsider.get(f"/evidence/families/{child.id}").status_code == 404
    outsider.post("/logout")
    r.feedback(s, mum)
    client = login_as(kp)
    page = _page(client, child)  # the child's own key person
    assert "Level: Low" in page and "Gave feedback (suggestion)" in page
    assert "/staff/feedback/" not in page  # no links to pages a key person cannot open
    assert "Engagement ledger" in client.get(f"/children/{child.id}").get_data(as_text=True)
    client.post("/logout")
    client = login_as(make.user(s, role="key_person"))
    assert client.get(f"/evidence/families/{child.id}").status_code == 403
    client.post("/logout")
    client = login_as(make.user(s, role="practitioner", room=child.room))
    assert client.get(f"/evidence/families/{child.id}").status_code == 403
    assert "Engagement ledger" not in client.get(f"/children/{child.id}").get_data(as_text=True)
    client.post("/logout")
    client = login_as(make.user(s, role="manager"))
    assert f"/evidence/families/{child.id}" in client.get(f"/contacts/{mum.id}").get_data(as_text=True)
