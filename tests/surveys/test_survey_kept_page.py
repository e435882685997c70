"""The questionnaire screen is rendered once and kept by each process (app/surveys/page.py): each parent
must still see only their own answers and form token, and any change to what the page shows must reach
a parent at once."""
from __future__ import annotations

import re

from app.extensions import db
from app.surveys import services
from app.surveys.texts import keys_of, set_text
from tests.surveys.helpers import link_path, simple_survey

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _two_parents(app, make, smtp):
    setting = make.setting()
    child = make.child(setting)
    a = make.contact(setting, children=[child], channels="email")
    b = make.contact(setting, children=[child], channels="email")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email")
    db.session.commit()
    services.open_and_invite(survey)
    browsers = []
    for contact in (a, b):
        browser = app.test_client()
        browser.get(link_path(smtp.to(contact.email)[0]))
        browsers.append(browser)
    return setting, survey, q, browsers


def _answer_second_screen(browser, survey, q, idea: str, count: str):
    saved = browser.post(f"/survey/{survey.id}/2", data={f"q{q['yes'].id}": "yes", f"q{q['idea'].id}": idea,
                                                        f"q{q['count'].id}": count, "action": "later"})
    assert saved.status_code == 200


def test_each_parent_sees_only_their_own_answers_and_form_token(app, make, smtp):
    setting, survey, q, (first, second) = _two_parents(app, make, smtp)
    _answer_second_screen(first, survey, q, "Story time outside", "3")
    _answer_second_screen(second, survey, q, "A <b>garden</b> club", "1")

    one = first.get(f"/survey/{survey.id}/2").get_data(as_text=True)
    two = second.get(f"/survey/{survey.id}/2").get_data(as_text=True)
    assert "Story time outside" in one and "garden" not in one and 'value="3"' in one
    assert "A &lt;b&gt;garden&lt;/b&gt; club" in two and "Story time" not in two and 'value="1"' in two
    assert "<b>garden</b>" not in two  # a parent's text is escaped in the kept page too
    assert one.count('value="yes" checked') == 1 and two.count('value="yes" checked') == 1
    assert CSRF.search(one).group(1) != CSRF.search(two).group(1)


def test_the_kept_page_posts_back_with_a_working_form_token(app, make, smtp):
    setting, survey, q, (first, _second) = _two_parents(app, make, smtp)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = first.get(f"/survey/{survey.id}/1").get_data(as_text=True)
        first.get(f"/survey/{survey.id}/1")  # served from what the process keeps
        token = CSRF.search(page).group(1)
        refused = first.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": "a"})
        sent = first.post(f"/survey/{survey.id}/1", data={"csrf_token": token, f"q{q['like'].id}": "a"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert sent.status_code == 302 and sent.location.endswith(f"/survey/{survey.id}/2")


def test_a_translation_approved_later_reaches_a_parent_with_the_page_open(app, make, smtp):
    setting, survey, q, (first, _second) = _two_parents(app, make, smtp)
    survey = db.session.merge(survey)
    for key, source in keys_of(survey):
        set_text(survey, key, "pl", f"[pl] {source}", "needs_review")
    db.session.commit()
    first.post("/language", data={"lang": "pl", "next": f"/survey/{survey.id}/1"})
    before = first.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    assert "My child is happy." in before and "[pl]" not in before  # not yet reviewed
    for text in survey.texts:
        text.status = "approved"
    db.session.commit()
    after = first.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    assert "[pl] My child is happy." in after


def test_the_settings_new_phone_number_shows_at_once(app, make, smtp):
    setting, survey, q, (first, _second) = _two_parents(app, make, smtp)
    assert "01632 960000" in first.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    setting.phone = "01632 960999"
    db.session.commit()
    page = first.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    assert "01632 960999" in page and "01632 960000" not in page


def test_a_screen_with_errors_shows_them_to_that_parent_only(app, make, smtp):
    setting, survey, q, (first, second) = _two_parents(app, make, smtp)
    wrong = first.post(f"/survey/{survey.id}/2", data={f"q{q['count'].id}": "99"})
    assert wrong.status_code == 422 and "Please enter a number from 0 to 10." in wrong.get_data(as_text=True)
    assert "Please enter a number" not in second.get(f"/survey/{survey.id}/2").get_data(as_text=True)
