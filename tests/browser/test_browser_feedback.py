"""A parent sends feedback from their family page and from the public notice-board form, in English
and in Somali, with no accessibility failures (error states included)."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.feedback.models import FeedbackItem
from app.parents.links import issue_link, link_url
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll

RECEIVED = "Thank you. We have received your feedback."
EMPTY = "Please write your message."


@pytest.mark.parametrize("language", ["en", "so"])
def test_parent_sends_feedback_from_the_family_page(page, live_server, language):
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        contact = make.contact(setting, children=[make.child(setting)], language=language, channels="email")
        url = link_url(issue_link(contact))
    page.goto(url)
    section = page.locator("#feedback")
    assert section.get_by_role("heading", level=2).inner_text() == live_server.text("Tell us what you think", language)
    section.get_by_role("button", name=live_server.text("Send", language)).click()
    assert page.locator("#feedback-body-error").inner_text() == live_server.text(EMPTY, language)
    assert_accessible(page, "feedback form with errors")
    page.get_by_role("radio", name=live_server.text("Suggestion", language), exact=True).check()
    page.get_by_label(live_server.text("Your message", language)).fill("Fadlan buugaag badan")
    page.get_by_role("button", name=live_server.text("Send", language)).click()
    assert page.get_by_role("status").inner_text() == live_server.text(RECEIVED, language)
    assert_accessible(page, "family page after feedback")
    with live_server.context():
        assert db.session.scalar(select(FeedbackItem.body)) == "Fadlan buugaag badan"


@pytest.mark.parametrize("language", ["en", "so"])
def test_public_form_on_a_phone(page, live_server, language):
    with live_server.data() as make:
        make.setting(name="Acorn Nursery", slug="acorn")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url("/feedback/acorn"))
    if language != "en":  # a parent at the notice board picks their language with the switcher
        page.select_option("#lang-select", language)
        page.locator(".language-switcher button").click()
    assert page.get_attribute("html", "lang").startswith(language)
    assert_accessible(page, "public feedback form")
    assert_no_horizontal_scroll(page)
    page.get_by_role("radio", name=live_server.text("Comment", language), exact=True).check()
    page.get_by_label(live_server.text("Your message", language)).fill("<script>alert(1)</script>")
    page.get_by_role("button", name=live_server.text("Send", language)).click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "public form refused")
    page.get_by_label(live_server.text("Your message", language)).fill("The garden is lovely")
    page.get_by_label(live_server.text("Send anonymously (suggestions and comments only)", language)).check()
    page.get_by_role("button", name=live_server.text("Send", language)).click()
    assert page.get_by_role("status").inner_text() == live_server.text(RECEIVED, language)
    assert_accessible(page, "public form sent")
    with live_server.context():
        assert db.session.scalar(select(func.count()).select_from(FeedbackItem)) == 1
