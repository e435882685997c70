"""Engagement levels on known data, hand-counted; the list of families not fully engaged and its filters."""
import re
from datetime import date

import pytest

from app.evidence import engagement
from tests.evidence import records as r
from tests.evidence.records import LAST_TERM


@pytest.fixture
def families(make, frozen_clock):
    """Seven families of one setting, one of another; what each did is written beside it."""
    s = make.setting()
    toddlers, babies = make.room(s, name="Toddlers"), make.room(s, name="Babies")
    kp_ann, kp_bo = make.user(s, role="key_person", name="Ann Key"), make.user(s, role="key_person", name="Bo Key")
    kids = {name: make.child(s, room=room, key_person=kp, first_name=name)
            for name, room, kp in (("Ada", toddlers, kp_ann), ("Ben", toddlers, kp_bo), ("Cal", babies, kp_ann),
                                   ("Dee", babies, kp_bo), ("Fin", toddlers, kp_ann), ("Gus", babies, kp_bo))}
    kids["Eve"] = make.child(s, room=toddlers, first_name="Eve", leaving_date=date(2020, 7, 1))
    a1 = make.contact(s, children=[kids["Ada"], kids["Gus"]], first_name="Amy", language="pl")  # Gus is Ada's brother
    a2 = make.contact(s, children=[kids["Ada"]], first_name="Al")
    b1 = make.contact(s, children=[kids["Ben"]], first_name="Bea", language="ro")
    c1 = make.contact(s, children=[kids["Cal"]], first_name="Cy", language="pl")
    d1 = make.contact(s, children=[kids["Dee"]], first_name="Di")
    d2 = make.contact(s, children=[kids["Dee"]], first_name="Court", restricted=True)
    f1 = make.contact(s, children=[kids["Fin"]], first_name="Flo", language="ur")
    e1 = make.contact(s, children=[kids["Eve"]], first_name="Eli")
    news, w = r.issue(s), r.workshop(s)
    # Ada: reading, reply, attended, home learning -> 4 kinds: high
    r.read(s, a1, news); r.rsvp(s, a2, w, attended=True); r.tried(s, a1)  # noqa: E702
    # Ben: questionnaire, feedback (twice: still one kind) -> 2 kinds: some
    r.answered(s, b1, r.survey(s)); r.feedback(s, b1); r.feedback(s, b1, kind="compliment")  # noqa: E702
    # Cal: notice confirmed this term; read last term (not counted) -> 1 kind: low
    r.acknowledge(s, c1, news); r.read(s, c1, r.issue(s, "Summer"), at=LAST_TERM)  # noqa: E702
    # Dee: messages delivered only (they do not count); volunteered last term -> none
    r.delivery(s, d1); r.volunteered(s, d1, at=LAST_TERM)  # noqa: E702
    # Fin: replied by text (a STOP does not count) -> low
    r.texted(s, f1); r.texted(s, f1, body="STOP", keyword="stop")  # noqa: E702
    # Gus: his mother Amy read and tried an activity (for Ada) -> 2 kinds: some
    # Eve has left: not listed, whatever her family did
    r.forum(s, e1)
    other = make.setting()
    stranger = make.contact(other, children=[make.child(other, first_name="Zed")])
    r.read(other, stranger, r.issue(other))
    return s, kids, {"toddlers": toddlers, "babies": babies, "ann": kp_ann, "bo": kp_bo, "d2": d2, "d1": d1, "c1": c1}


def _levels(setting, **filters):
    start, end = engagement.bounds(date(2026, 9, 1), date(2026, 12, 31), "Europe/London")
    return {row.child.first_name: (row.level, row.kinds)
            for row in engagement.families(setting.id, start, end, date(2026, 11, 23), **filters)}


def test_levels_match_the_hand_count(families):
    setting, _, _ = families
    assert _levels(setting) == {"Ada": ("high", 4), "Ben": ("some", 2), "Cal": ("low", 1), "Dee": ("none", 0),
                                "Fin": ("low", 1), "Gus": ("some", 2)}


def test_last_term_has_its_own_levels(families):
    setting, _, _ = families
    start, end = engagement.bounds(date(2026, 4, 1), date(2026, 8, 31), "Europe/London")
    rows = {row.child.first_name: row.level for row in engagement.families(setting.id, start, end, date(2026, 11, 23))}
    assert rows["Cal"] == "low" and rows["Dee"] == "low" and rows["Ada"] == "none"


def test_the_rules_shown_are_the_rules_applied(app):
    with app.test_request_context():
        assert engagement.rules() == [("High", "3 or more of the kinds above"), ("Some", "exactly 2 of the kinds above"),
                                      ("Low", "exactly 1 of the kinds above"), ("None", "none of the kinds above")]
    assert [engagement.level_for(n) for n in range(5)] == ["none", "low", "some", "high", "high"]


def test_each_familys_ledger_counts_what_the_list_counts(families, login_as, make):
    """The ledger takes a family's kinds from its timeline, the list from engagement.KINDS in SQL: the same."""
    setting, kids, _ = families
    client = login_as(make.user(setting, role="pico"))
    for term, first, last in (("autumn-2026", date(2026, 9, 1), date(2026, 12, 31)),
                              ("summer-2026", date(2026, 4, 1), date(2026, 8, 31))):
        start, end = engagement.bounds(first, last, "Europe/London")
        for row in engagement.families(setting.id, start, end, date(2026, 11, 23)):
            page = client.get(f"/evidence/families/{row.child.id}", query_string={"term": term}).get_data(as_text=True)
            assert f"Level: {row.level.title()}</strong>" in page, (term, row.child.first_name)
            assert f"({row.kinds} of {len(engagement.KINDS)} kinds of taking part)" in page, (term, row.child.first_name)


def _listed(page: str) -> set[str]:
    names = {"Ada", "Ben", "Cal", "Dee", "Eve", "Fin", "Gus", "Zed"}
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return {n for n in names if f"{n} Test&#39;s family" in table}


def test_list_defaults_to_none_and_low_and_filters_by_room_language_key_person_and_level(families, login_as, make):
    setting, kids, x = families
    client = login_as(make.user(setting, role="pico"))
    page = client.get("/evidence/not-engaged").get_data(as_text=True)
    assert _listed(page) == {"Cal", "Dee", "Fin"}
    assert "3 or more of the kinds above" in page and "Replied to a text message" in page  # the rules, on screen
    get = lambda **q: _listed(client.get("/evidence/not-engaged", query_string={"filtered": 1, **q}).get_data(as_text=True))  # noqa: E731
    assert get(level=["none", "low"], room=x["babies"].id) == {"Cal", "Dee"}
    assert get(level=["none", "low"], language="pl") == {"Cal"}
    assert get(level=["none", "low"], key_person=x["ann"].id) == {"Cal", "Fin"}
    assert get(level=["some"]) == {"Ben", "Gus"}
    assert get(level=["high"], language="pl") == {"Ada"}
    assert get() == {"Ada", "Ben", "Cal", "Dee", "Fin", "Gus"}  # no level ticked: every level
    assert get(level=["none"], room="x", language="xx") == {"Dee"}  # nonsense filters are ignored
    assert get(term="summer-2026", level=["none"]) == {"Ada", "Ben", "Fin", "Gus"}


@pytest.mark.parametrize("role", ["key_person", "practitioner"])
def test_list_is_for_managers_and_the_pico(families, login_as, make, role):
    setting, _, _ = families
    client = login_as(make.user(setting, role=role))
    assert client.get("/evidence/not-engaged").status_code == 403
    assert client.post("/evidence/not-engaged/message").status_code == 403
    assert client.post("/evidence/not-engaged/plan").status_code == 403


def test_plan_an_action_for_ticked_families_prefills_them(families, login_as, make):
    setting, kids, _ = families
    client = login_as(make.user(setting, role="manager"))
    response = client.post("/evidence/not-engaged/plan", data={"family": [kids["Cal"].id, kids["Dee"].id, kids["Ada"].id],
                                                               "filtered": 1, "level": ["none", "low"]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for name, ticked in (("Cal", True), ("Dee", True), ("Ada", False)):  # Ada is not on the filtered list
        [box] = re.findall(rf'<input[^>]*name="families"[^>]*value="{kids[name].id}"[^>]*>', page)
        assert ("checked" in box) is ticked, name
    empty = client.post("/evidence/not-engaged/plan", data={"filtered": 1, "level": ["none"]}, follow_redirects=True)
    assert "Tick at least one family." in empty.get_data(as_text=True)
