"""The PICO's pages in a real browser: the dashboard and the reach report pass axe-core, and the
evidence pack printed to PDF by Chromium carries every figure and answer, nothing cut off."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

from pypdf import PdfReader

from app import clock
from app.extensions import db
from app.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD
from tests.evidence.helpers import Rows, utc
from tests.surveys.helpers import simple_survey

# One long unbroken answer: if the printed page clipped or hid overflowing text, part of it would be lost.
LONG = "Pleasecouldwehaveaweekendstorytimeforworkingparents" * 3
IDEAS = ["More songs outdoors", "A garden day", "Story sacks to borrow", "Cooking club", LONG]


def _log_in(page, live_server, email: str) -> None:
    page.goto(live_server.url("/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _data(live_server) -> str:
    """Autumn 2026 at Acorn Nursery: 4 families, 3 reached; one unreachable; a confidential
    questionnaire answered by 5 of 6; returns the PICO's email."""
    clock.set_clock(clock.FrozenClock(datetime(2026, 11, 23, 9, tzinfo=timezone.utc)))
    with live_server.data() as make:
        setting = make.setting(name="Acorn Nursery")
        room = make.room(setting, "Pre-school")
        rows = Rows()
        children = [make.child(setting, room=room, first_name=name) for name in ("Amara", "Bo", "Cai", "Dara")]
        parents = [make.contact(setting, [child], language=lang) for child, lang in zip(children, ("en", "pl", "ur"))]
        make.contact(setting, [children[3]], first_name="Nomvula", email=None, mobile=None)
        for parent in parents:
            rows.delivery(parent, "sent", utc(2026, 10, 1))
        rows.delivery(parents[1], "sent", utc(2026, 10, 2), language="en", fallback=True)
        survey, q = simple_survey(setting, title="Settling in questionnaire")
        for i in range(6):
            db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=survey.id, contact_id=parents[i % 3].id
                                            if i < 3 else make.contact(setting, [children[i - 3]]).id,
                                            invited_at=utc(2026, 10, 5), responded=i < 5))
        for idea in IDEAS:
            response = SurveyResponse(survey_id=survey.id, submitted=True, language="en")
            response.answers = [SurveyAnswer(question_id=q["like"].id, value="a"),
                                SurveyAnswer(question_id=q["idea"].id, value=idea)]
            db.session.add(response)
        return make.user(setting, role="pico", name="Pat Pico").email


def test_dashboard_and_reach_report_are_accessible(page, live_server):
    email = _data(live_server)
    _log_in(page, live_server, email)
    page.wait_for_url(live_server.url("/evidence/"))
    assert_accessible(page, "dashboard")
    card = page.locator("section", has=page.get_by_role("heading", name="Families reached"))
    assert "3 of 7 (43%)" not in card.inner_text()  # families, not adults
    assert "3 of 4 (75%)" in card.inner_text()
    assert "Autumn term 2026" in card.get_by_role("table").inner_text()
    page.get_by_role("link", name="Reach report: who we are not reaching").click()
    assert_accessible(page, "reach report")
    assert "Edit Nomvula Test" in page.get_by_role("table").first.inner_text()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url("/evidence/"))
    assert_no_horizontal_scroll(page)


def test_the_pack_prints_to_pdf_with_nothing_cut_off(page, live_server, tmp_path):
    email = _data(live_server)
    _log_in(page, live_server, email)
    page.goto(live_server.url("/evidence/pack"))
    assert_accessible(page, "evidence pack")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = re.sub(r"\s+", "", text)
    assert len(reader.pages) >= 3  # figures, charts by term, then questionnaires each start a page
    assert "Evidence pack: 1 September 2026 to 31 December 2026" in " ".join(text.split())
    for expected in ("Families reached 3 of 4 (75%)", "Questionnaire response rate 5 of 6 (83%)",
                     "Settling in questionnaire", "5 of 6 invited answered (83%)", "Autumn term 2026", *IDEAS,
                     "No 'You said, we did' summary was sent in this period."):  # the last words of the pack
        assert re.sub(r"\s+", "", expected) in flat, expected
    assert "Pat Pico" not in text and "Log out" not in text  # the staff menu is not printed
