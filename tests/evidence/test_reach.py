"""The reach report: who no message can reach (and why), fallbacks this term, languages still missing."""
from __future__ import annotations

from datetime import date

from app.evidence import reach
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
    found, total = reach.unreached(setting, TODAY)
    by_child = {f.child_name.split()[0]: [why for _, _, why in f.contacts] for f in found}
    assert total == 7
    assert by_child == {
        "Restricted": ["No legal access / do not contact"],
        "Nodetails": ["No email address; No mobile number"],
        "Failing": ["Every message in the last 90 days failed: The mail server refused this address"],
        "Optedout": ["Opted out of every kind of message"],
        "Stopped": ["No email address; Replied STOP to our texts"],
        "Badmail": ["Email address is not valid; No mobile number"],
        "Nobody": [],
    }


def test_past_the_rows_shown_families_are_still_counted(make, frozen_clock, monkeypatch):
    setting, kids = _families(make)
    everyone, total = reach.unreached(setting, TODAY)
    monkeypatch.setattr(reach, "LIMIT", 2)
    shown, counted = reach.unreached(setting, TODAY)
    assert (counted, total) == (7, 7)
    assert [f.child_name for f in shown] == [f.child_name for f in everyone[:2]]


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
    found, total = reach.fallbacks(setting, term_containing(TODAY))
    assert total == 1
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
