"""A parent opens a notice and this week's learning from their links, confirms the notice and says they
tried an activity, in English, Polish and Arabic, with no accessibility failures."""
import pytest

from app.activities.models import Activity, ActivityVersion
from app.activities.services import create_digest, send_digest
from app.extensions import db
from app.newsletters.models import Issue, IssueVersion
from app.newsletters.services import send
from app.parents.links import issue_link, link_url
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("pl", "ltr"), ("ar", "rtl")])
def test_parent_reads_and_confirms_a_notice_and_tries_an_activity(page, live_server, language, direction):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        room = make.room(setting, name="Pre-school")
        child = make.child(setting, room=room, first_name="Amina")
        contact = make.contact(setting, children=[child], first_name="Farah", language=language)
        issue = Issue(setting_id=setting.id, kind="notice", requires_ack=True, channels="email",
                      audience={"kind": "all"})
        issue.versions = [IssueVersion(language="en", title="Sickness policy", status="approved",
                                       body_md="## What changes\n\n- Stay at home for **48 hours**.")]
        db.session.add(issue)
        activity = Activity(setting_id=setting.id, areas=["maths", "world"], age_band="3-5")
        activity.versions = [ActivityVersion(language="en", title="Counting socks", what_to_do="Pair them.",
                                             what_you_need="Socks", why_it_helps="Counting.", status="approved")]
        db.session.add(activity)
        db.session.flush()
        send(issue)
        digest = create_digest(setting, room, "Autumn leaves.", [activity.id])
        send_digest(digest)
        news_url = link_url(issue_link(contact, "newsletter", issue.id))
        week_url = link_url(issue_link(contact, "activities", digest.id))
    page.goto(news_url)
    assert page.get_attribute("html", "dir") == direction
    assert page.get_by_role("heading", level=1).inner_text() == "Sickness policy"
    assert_accessible(page, "notice")
    page.get_by_role("button", name=live_server.text("I have read and understood", language)).click()
    assert page.get_by_role("status").inner_text() == live_server.text(
        "Thank you. We have recorded that you have read and understood this.", language)
    assert_accessible(page, "notice confirmed")
    page.goto(week_url)
    assert page.get_by_role("heading", level=1).inner_text() == live_server.text("This week's learning", language)
    assert_accessible(page, "this week's learning")
    page.get_by_label(live_server.text("Tell us how it went (optional)", language)).fill("Fun!")
    page.get_by_role("button", name=live_server.text("We tried it", language)).click()
    assert live_server.text("You told us you tried this. Thank you!", language) in page.content()
    assert_accessible(page, "tried it")
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(page)
