"""A parent goes from the invitation link to the thank-you page of the annual questionnaire, in
English, Romanian and Urdu (right to left), on a phone-sized screen, with no axe failures."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.messaging.models import DevOutboxItem
from app.surveys import services
from app.surveys.models import SurveyResponse
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll


def _invite(live_server, language: str):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        contact = make.contact(setting, children=[make.child(setting)], language=language,
                               email="amal@example.org", channels="email")
        survey = services.from_template(setting, "annual")
        survey.audience, survey.channels = {"all": True}, "email"
        db.session.commit()
        services.open_and_invite(survey)
        item = db.session.scalar(select(DevOutboxItem).where(DevOutboxItem.to == contact.email))
        link = re.search(r"http://127\.0\.0\.1:\d+/l/\S+", item.body_text).group(0)
        ids = [q.id for q in survey.questions]
    return link, ids


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("ro", "ltr"), ("ur", "rtl")])
def test_parent_answers_from_invitation_to_thank_you(page, live_server, language, direction):
    page.set_viewport_size({"width": 360, "height": 740})
    link, ids = _invite(live_server, language)
    page.goto(link)
    assert re.search(r"/survey/\d+/1$", page.url)
    assert page.get_attribute("html", "dir") == direction
    assert live_server.text("Part %(n)s of %(total)s", language, n=1, total=2) in page.content()
    assert_accessible(page, "first screen")
    assert_no_horizontal_scroll(page)
    # Continue without the required answers: errors, announced, accessible.
    page.get_by_role("button", name=live_server.text("Continue", language)).click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "errors")
    page.locator(f"label[for='q{ids[0]}-a']").click()
    page.locator(f"label[for='q{ids[1]}-sa']").click()
    page.locator(f"label[for='q{ids[2]}-4']").click()
    page.get_by_role("button", name=live_server.text("Continue", language)).click()
    assert live_server.text("Part %(n)s of %(total)s", language, n=2, total=2) in page.content()
    assert_accessible(page, "second screen")
    page.locator(f"label[for='q{ids[4]}-yes']").click()
    page.locator(f"#q{ids[5]}-first").fill("Polski")
    page.locator(f"#q{ids[6]}-first").fill("Más canciones, por favor")
    page.get_by_role("button", name=live_server.text("Send my answers", language)).click()
    assert page.get_by_role("heading", level=1).inner_text() == live_server.text("Thank you", language)
    assert_accessible(page, "thank-you page")
    with live_server.context():
        [response] = db.session.scalars(select(SurveyResponse)).all()
        assert response.submitted and response.language == language and response.contact_id is None
