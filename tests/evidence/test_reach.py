"""The reach report: who no message can reach (and why), fallbacks this term, languages still missing;
the long lists a page at a time, the families kept until counted again."""
from __future__ import annotations

import json
import re
from datetime import date

from app.evidence import reach
from app.evidence.snapshots import ReachRow
from app.evidence.terms import term_containing
from app.extensions import db
from app.messaging.models import BULK_CATEGORIES, SmsOptOut, Unsubscribe
from app.newsletters.models import Issue, IssueVersion
from app.surveys.models import Survey
from tests.evidence.helpers import Rows, utc

TODAY = date(2026, 11, 23)  # the frozen clock's day


def _families(make):
    setting = make.setting()
    rows = Rows()
    kids = {}

    def family(name, **child):
        kids[name] = make.child(setting, first_name=name, **child)
        return kids[name]

    make.contact(setting, [family("Restricted")], restricted=True)
    make.contact(setting, [family("Nodetails")], email=None, mobile=None)
    refused = make.contact(setting, [family("Failing")])
    rows.delivery(refused, "failed", utc(2026, 11, 1), reason="email_refused")
    rows.delivery(refused, "suppressed", utc(2026, 11, 2), channel="sms", reason="unsubscribed")
    optout = make.contact(setting, [family("Optedout")])
    db.session.add_all([Unsubscribe(setting_id=setting.id, contact_id=optout.id, category=c)
                        for c in BULK_CATEGORIES])
    stopped = make.contact(setting, [family("Stopped")], email=None)
    db.session.add(SmsOptOut(setting_id=setting.id, mobile=stopped.mobile))
    make.contact(setting, [family("Badmail")], email="not-an-email", mobile=None)
    both = family("Mixed")
    make.contact(setting, [both], restricted=True)
    rows.delivery(make.contact(setting, [both]), "sent", utc(2026, 11, 20))
    make.contact(setting, [family("Neversent")])
    family("Nobody")
    make.contact(setting, [family("Left", leaving_date=date(2026, 10, 1))], restricted=True)
    old = make.contact(setting, [family("Oldfailure")])
    rows.delivery(old, "failed", utc(2026, 6, 1), reason="email_refused")
    db.session.flush()
    return setting, kids


def test_families_with_no_working_contact_and_why(make, frozen_clock):
    setting, kids = _families(make)
    found = reach.unreached(setting, TODAY)
    by_child = {f.child_name.split()[0]: [why for _, _, why in f.contacts] for f in found}
    assert len(found) == 7
    assert by_child == {
        "Restricted": ["No legal access / do not contact"],
        "Nodetails": ["No email address; No mobile number"],
        "Failing": ["Every message in the last 90 days failed: The mail server refused this address"],
        "Optedout": ["Opted out of every kind of message"],
        "Stopped": ["No email address; Replied STOP to our texts"],
        "Badmail": ["Email address is not valid; No mobile number"],
        "Nobody": [],
    }


def _section(page: str, anchor: str) -> str:
    """The text of one section of the report, tags removed."""
    html = page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_families_come_a_page_at_a_time_each_page_with_the_total(make, login_as, frozen_clock, monkeypatch):
    setting, kids = _families(make)
    everyone = [f.child_name for f in reach.unreached(setting, TODAY)]
    monkeypatch.setattr(reach, "LIMIT", 3)
    client = login_as(make.user(setting, role="pico"))
    for number, shown in ((1, everyone[:3]), (2, everyone[3:6]), (3, everyone[6:])):
        page = client.get(f"/evidence/reach?families_page={number}").get_data(as_text=True)
        section = _section(page, "unreached")
        assert [name for name in everyone if name in section] == shown, number
        assert f"Showing {3 * number - 2} to {3 * number - 3 + len(shown)} of 7." in section
        assert ("Previous 3" in section) == (number > 1) and ("Next 3" in section) == (number < 3)
        assert "Families with no working contact (7)" in page
    page = client.get("/evidence/reach?families_page=3").get_data(as_text=True)
    assert 'href="/evidence/reach?families_page=2&amp;fallbacks_page=1#unreached"' in page
    past_page = client.get("/evidence/reach?families_page=9").get_data(as_text=True)
    past = _section(past_page, "unreached")
    assert "There is nothing on page 9." in past and not any(name in past for name in everyone)
    assert 'href="/evidence/reach?families_page=3&amp;fallbacks_page=1#unreached">Previous 3' in past_page  # the last page
    assert _section(client.get("/evidence/reach?families_page=x").get_data(as_text=True), "unreached") == \
        _section(client.get("/evidence/reach").get_data(as_text=True), "unreached")
    far = client.get("/evidence/reach?families_page=99999999999999999999&fallbacks_page=-3")
    assert far.status_code == 200 and "There is nothing on page 100000." in far.get_data(as_text=True)


def test_the_lists_are_kept_until_counted_again(make, login_as, frozen_clock):
    setting, kids = _families(make)
    rows = Rows()
    client = login_as(make.user(setting, role="pico"))
    page = client.get("/evidence/reach").get_data(as_text=True)
    assert "Families with no working contact (7)" in page and "Sent in another language (0)" in page
    assert "Counted at 23/11/2026, 09:00" in page
    fixed = kids["Restricted"].links[0].contact
    fixed.restricted = False  # the court order ended and a message got through, in English
    fixed.language = "pl"
    rows.delivery(fixed, "sent", utc(2026, 11, 22), language="en", fallback=True)
    db.session.commit()
    frozen_clock.advance(minutes=5)
    page = client.get("/evidence/reach").get_data(as_text=True)
    assert "Families with no working contact (7)" in page and "Sent in another language (0)" in page  # kept
    assert "Counted at 23/11/2026, 09:00" in page
    assert client.post("/evidence/reach/recount").status_code == 302
    page = client.get("/evidence/reach").get_data(as_text=True)
    assert "Families with no working contact (6)" in page and "Sent in another language (1)" in page
    assert "Counted at 23/11/2026, 09:05" in page
    assert "Restricted" not in _section(page, "unreached") and fixed.full_name in _section(page, "fallbacks")
    kept = json.dumps([list(row) for row in db.session.execute(db.select(ReachRow.subject_id, ReachRow.detail))])
    assert "Nodetails" not in kept and fixed.first_name not in kept  # ids, reasons, counts: names are read when shown
    make.child(setting, first_name="Newcomer")  # no adults linked yet
    db.session.commit()
    frozen_clock.advance(minutes=11)  # older than the list is kept: counted again by itself
    page = client.get("/evidence/reach").get_data(as_text=True)
    assert "Families with no working contact (7)" in page and "Counted at 23/11/2026, 09:16" in page
    assert "Newcomer" in _section(page, "unreached")


def test_a_family_removed_after_counting_is_left_out(make, login_as, frozen_clock):
    setting, kids = _families(make)
    client = login_as(make.user(setting, role="pico"))
    assert "Nobody" in _section(client.get("/evidence/reach").get_data(as_text=True), "unreached")
    db.session.delete(kids["Nobody"])
    db.session.commit()
    assert "Nobody" not in _section(client.get("/evidence/reach").get_data(as_text=True), "unreached")


def test_the_page_links_each_row_to_its_fix(make, login_as, frozen_clock):
    setting, kids = _families(make)
    page = login_as(make.user(setting, role="pico")).get("/evidence/reach").get_data(as_text=True)
    assert "Families with no working contact (7)" in page
    restricted = kids["Restricted"].links[0].contact_id
    assert f'href="/contacts/{restricted}/edit"' in page
    assert f'href="/contacts/new?child={kids["Nobody"].id}"' in page
    assert "Mixed" not in page and "Neversent" not in page and "Oldfailure" not in page


def test_fallbacks_this_term_per_contact(make, login_as, frozen_clock):
    setting = make.setting()
    rows = Rows()
    child = make.child(setting)
    polish = make.contact(setting, [child], first_name="Ola", language="pl")
    urdu = make.contact(setting, [child], first_name="Asif", language="ur")
    first, second = rows.message(setting), rows.message(setting)
    rows.delivery(polish, "sent", utc(2026, 10, 1), message=first, language="en", fallback=True)
    rows.delivery(polish, "sent", utc(2026, 10, 1), message=first, channel="sms", language="en", fallback=True)
    rows.delivery(polish, "failed", utc(2026, 11, 1), message=second, language="en", fallback=True)
    rows.delivery(urdu, "suppressed", utc(2026, 10, 1), message=first, language="en", fallback=True)
    rows.delivery(urdu, "sent", utc(2026, 6, 1), language="en", fallback=True)  # last term
    rows.delivery(urdu, "sent", utc(2026, 10, 2), language="ur")  # their own language
    found = reach.fallbacks(setting, term_containing(TODAY))
    assert [(r.first_name, r.language, r.messages, r.last_message) for r in found] == [
        ("Ola", "pl", 2, second.id)]
    page = login_as(make.user(setting, role="manager")).get("/evidence/reach").get_data(as_text=True)
    assert "Sent in another language (1)" in page
    assert f'href="/contacts/{polish.id}/edit"' in page and f'href="/messages/{second.id}"' in page


def test_languages_missing_from_drafts_link_to_add_the_version(make, login_as, frozen_clock):
    setting = make.setting()
    child = make.child(setting)
    for language in ("en", "pl", "ro", "ro", "ur"):
        make.contact(setting, [child], language=language)
    make.contact(setting, [child], language="so", restricted=True)  # never sent to: no version needed
    issue = Issue(setting_id=setting.id, audience={"kind": "all"})
    issue.versions = [IssueVersion(language="en", title="Autumn news", status="approved"),
                      IssueVersion(language="pl", title="Wiadomości", status="approved"),
                      IssueVersion(language="ro", title="Știri", status="draft")]
    survey = Survey(setting_id=setting.id, title="Settling in", audience={"kind": "all"})
    db.session.add_all([issue, survey])
    db.session.flush()
    missing = [(m.kind, m.language, m.contacts) for m in reach.missing_translations(setting)]
    assert missing == [("newsletter", "ro", 2), ("newsletter", "ur", 1),
                       ("survey", "pl", 1), ("survey", "ro", 2), ("survey", "ur", 1)]
    page = login_as(make.user(setting, role="pico")).get("/evidence/reach").get_data(as_text=True)
    assert f'href="/newsletters/{issue.id}/versions/ro"' in page
    assert f'href="/surveys/{survey.id}/translate/ur"' in page


def test_fallbacks_come_a_page_at_a_time_by_language_and_name(make, login_as, frozen_clock, monkeypatch):
    setting = make.setting()
    rows = Rows()
    child = make.child(setting)
    people = [make.contact(setting, [child], first_name=first, last_name=last, language=language)
              for first, last, language in (("Asif", "Khan", "ur"), ("Ola", "Nowak", "pl"), ("Ana", "Popa", "ro"),
                                            ("Jan", "Kowal", "pl"))]
    for person in people:
        rows.delivery(person, "sent", utc(2026, 10, 1), language="en", fallback=True)
    rows.delivery(people[0], "sent", utc(2026, 10, 2), language="en", fallback=True)  # Asif: two messages
    assert [(r.first_name, r.messages) for r in reach.fallbacks(setting, term_containing(TODAY))] == [
        ("Jan", 1), ("Ola", 1), ("Ana", 1), ("Asif", 2)]
    monkeypatch.setattr(reach, "LIMIT", 2)
    client = login_as(make.user(setting, role="pico"))
    first = _section(client.get("/evidence/reach").get_data(as_text=True), "fallbacks")
    second = _section(client.get("/evidence/reach?fallbacks_page=2").get_data(as_text=True), "fallbacks")
    assert "Jan Kowal" in first and "Ola Nowak" in first and "Asif" not in first and "Ana" not in first
    assert "Ana Popa" in second and "Asif Khan" in second and "Ola" not in second
    assert "Showing 1 to 2 of 4." in first and "Next 2" in first and "Previous 2" not in first
    assert "Showing 3 to 4 of 4." in second and "Next 2" not in second and "Previous 2" in second
