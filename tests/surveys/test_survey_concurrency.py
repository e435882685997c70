"""Parents sending the same questionnaire at the same moment: each gets the thank-you page, all answers kept."""
from __future__ import annotations

import sys
import threading

from sqlalchemy import func, select

from app.clock import utcnow
from app.extensions import db
from app.parents.links import issue_link
from app.surveys.models import OPEN, SurveyInvitation, SurveyResponse
from tests.surveys.helpers import simple_survey

SENDING, CHANGING, CHANGES = 8, 4, 10


def test_parents_sending_at_the_same_moment_all_get_the_thank_you_page(app, make):
    # A first send rewrites every response of the survey together (confidential mode), while parents
    # who sent earlier may be changing theirs: they must wait for each other, not deadlock (PostgreSQL).
    setting = make.setting()
    child = make.child(setting)
    survey, q = simple_survey(setting, status=OPEN)
    tokens = []
    for _ in range(SENDING + CHANGING):
        contact = make.contact(setting, children=[child])
        db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=survey.id, contact_id=contact.id,
                                        invited_at=utcnow()))
        tokens.append(issue_link(contact, "survey", survey.id))
    db.session.commit()
    # Plain values: the threads must not touch this session's objects.
    first, last = f"/survey/{survey.id}/1", f"/survey/{survey.id}/2"
    answers = {f"q{q['yes'].id}": "no", "action": "submit"}
    browsers = []
    for n, token in enumerate(tokens):
        browser = app.test_client()
        browser.get(f"/l/{token}")
        assert browser.post(first, data={f"q{q['like'].id}": "a"}).status_code == 302
        if n >= SENDING:  # these parents sent earlier, and are changing an answer now
            assert browser.post(last, data=answers).status_code == 302
        browsers.append(browser)
    start = threading.Barrier(len(browsers))
    statuses = []

    def answer(browser, times: int) -> None:
        with app.app_context():  # a thread starts with no context, as a server's would
            start.wait()
            statuses.extend(browser.post(last, data=answers).status_code for _ in range(times))

    threads = [threading.Thread(target=answer, args=(b, 1 if n < SENDING else CHANGES))
               for n, b in enumerate(browsers)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # the threads take turns often, as requests in a busy server would
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert statuses == [302] * (SENDING + CHANGING * CHANGES)
    db.session.expire_all()
    everyone = SENDING + CHANGING
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.submitted)) == everyone
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation).where(SurveyInvitation.responded)) == everyone
