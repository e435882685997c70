"""The evidence pack: the page, the CSV and the Excel workbook, and the questionnaire rules."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from app.extensions import db
from app.feedback import services as feedback
from app.feedback.models import FeedbackItem
from app.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.evidence.helpers import Rows, utc
from tests.surveys.helpers import simple_survey

IDEAS = ["More songs", "A garden day", "Story sacks", "Cooking club", "Dads breakfast", "Photos weekly"]


def _pack_data(make):
    """Autumn 2026: a confidential questionnaire answered by 6 of 6, a named one answered by 2 of 3
    (one of them Zebedee Secret), two families reached in October and all four by the 'You said, we did'
    sent on 23 November, and feedback."""
    setting = make.setting()
    manager = make.user(setting, role="manager")
    children = [make.child(setting) for _ in range(4)]
    parents = [make.contact(setting, [children[i % 4]], language="pl" if i == 0 else "en") for i in range(6)]
    zebedee = make.contact(setting, [children[0]], first_name="Zebedee", last_name="Secret")
    rows = Rows()
    rows.delivery(parents[0], "sent", utc(2026, 10, 1))
    rows.delivery(parents[1], "sent", utc(2026, 10, 1))
    open_survey, q = simple_survey(setting, title="Settling in", sent_at=utc(2026, 10, 1))
    for i, parent in enumerate(parents):
        db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=open_survey.id, contact_id=parent.id,
                                        invited_at=utc(2026, 10, 1), responded=True))
        response = SurveyResponse(survey_id=open_survey.id, submitted=True, language=parent.language)
        response.answers = [SurveyAnswer(question_id=q["like"].id, value="a" if i < 4 else "b"),
                            SurveyAnswer(question_id=q["pick"].id, option_id=q["pick"].options[i % 2].id),
                            SurveyAnswer(question_id=q["idea"].id, value=IDEAS[i])]
        db.session.add(response)
    named, nq = simple_survey(setting, mode="named", title="Forum times", sent_at=utc(2026, 11, 1))
    for parent, answered in ((zebedee, True), (parents[1], True), (parents[2], False)):
        db.session.add(SurveyInvitation(setting_id=setting.id, survey_id=named.id, contact_id=parent.id,
                                        invited_at=utc(2026, 11, 1), responded=answered))
        if answered:
            response = SurveyResponse(survey_id=named.id, submitted=True, contact_id=parent.id)
            response.answers = [SurveyAnswer(question_id=nq["idea"].id, value=f"Idea from {parent.first_name}")]
            db.session.add(response)
    for kind, complaint in (("compliment", False), ("compliment", False), ("concern", True)):
        db.session.add(FeedbackItem(setting_id=setting.id, kind=kind, route="family", body="…",
                                    received_at=utc(2026, 10, 9), is_complaint=complaint))
    db.session.flush()
    feedback.you_said_we_did(setting, {"en": "You asked for more songs: we now sing every morning."}, manager)
    return setting, manager


def test_the_page_has_the_figures_summaries_and_you_said_we_did(make, login_as, frozen_clock):
    setting, manager = _pack_data(make)
    page = login_as(manager).get("/evidence/pack").get_data(as_text=True)
    assert "Evidence pack: 1 September 2026 to 31 December 2026" in page  # this term by default
    assert "4 of 4 (100%)" in page  # families reached: 'You said, we did' went to every family
    assert "8 of 9 (89%)" in page  # questionnaire invitations answered
    assert "6 of 6 invited answered (100%)" in page
    for idea in IDEAS:
        assert idea in page
    assert 'lang="pl"' not in page.split("Settling in", 1)[1]  # a confidential answer's language is not shown
    assert "2 of 3 invited answered (67%)" in page and "Fewer than 5 answers: the answers are not shown." in page
    assert "Zebedee" not in page and "Idea from" not in page
    assert "You asked for more songs: we now sing every morning." in page
    assert "Of which complaints" in page
    assert 'href="/evidence/pack.xlsx?start=2026-09-01&amp;end=2026-12-31"' in page


def test_csv_export(make, login_as, frozen_clock):
    setting, manager = _pack_data(make)
    response = login_as(manager).get("/evidence/pack.csv?start=2026-09-01&end=2026-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "evidence-2026-09-01-to-2026-12-31.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["Figures", "Families reached", "4", "4", "100"] == rows[1][:5]
    assert ["Questionnaires", "Settling in", "yes", "6", "6", "My child is happy."] == rows[rows.index(
        next(r for r in rows if r[:2] == ["Questionnaires", "Settling in"]))][:6]
    assert ["Questionnaires", "Forum times", "no", "3", "2", "", "Fewer than 5 answers: not shown", ""] in rows
    assert ["You said, we did", "2026-11-23", "You asked for more songs: we now sing every morning."] in rows
    assert ["Feedback", "Compliments", "2"] in rows
    assert not any("Zebedee" in cell for row in rows for cell in row)


def test_xlsx_export(make, login_as, frozen_clock):
    setting, manager = _pack_data(make)
    response = login_as(manager).get("/evidence/pack.xlsx?start=2026-09-01&end=2026-12-31")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Figures", "By term", "Questionnaires", "Feedback", "You said, we did", "Action plan"]
    figures = {row[0]: row[1:4] for row in book["Figures"].iter_rows(values_only=True)}
    assert figures["Families reached"] == (4, 4, 100)
    assert figures["Questionnaire response rate"] == (8, 9, 89)
    assert figures["Complaints"] == (1, 3, None)
    by_term = list(book["By term"].iter_rows(values_only=True))
    assert by_term[-1][:2] == ("Autumn term 2026", 4) and len(by_term) == 5
    assert book["By term"]._charts  # the bar chart of the figures by term
    texts = [c for row in book["Questionnaires"].iter_rows(values_only=True) for c in row]
    assert "Cooking club" in texts and not any("Zebedee" in str(c) for c in texts)


def test_a_formula_in_a_free_text_answer_stays_inert(make, login_as, frozen_clock):
    setting, manager = _pack_data(make)
    answer = db.session.scalar(db.select(SurveyAnswer).where(SurveyAnswer.value == "More songs"))
    answer.value = "=HYPERLINK(\"http://x\")"
    client = login_as(manager)
    rows = list(csv.reader(io.StringIO(client.get("/evidence/pack.csv").get_data(as_text=True))))
    assert any(cell == "'=HYPERLINK(\"http://x\")" for row in rows for cell in row)
    book = load_workbook(io.BytesIO(client.get("/evidence/pack.xlsx").data))
    cells = [c for row in book["Questionnaires"].iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_range_picks_what_happened_in_it(make, login_as, frozen_clock):
    setting, manager = _pack_data(make)
    client = login_as(manager)
    page = client.get("/evidence/pack?start=2026-10-15&end=2026-11-20").get_data(as_text=True)
    assert "15 October 2026 to 20 November 2026" in page
    assert "Forum times" in page and "Settling in" not in page
    assert "0 of 4 (0%)" in page  # nobody was reached between those days
    assert "No &#39;You said, we did&#39; summary was sent in this period." in page
    page = client.get("/evidence/pack?start=2026-10-01&end=2026-10-01").get_data(as_text=True)
    assert "2 of 4 (50%)" in page and "Settling in" in page and "Forum times" not in page


def test_bad_dates_show_the_form_again_with_errors(make, login_as, frozen_clock):
    setting, manager = _pack_data(make)
    client = login_as(manager)
    for query, error in (("start=2026-13-01&end=2026-12-31", "Enter the first day as a date"),
                         ("start=2026-12-01&end=2026-11-01", "The last day must be on or after the first day."),
                         ("start=2026-09-01", "Enter the last day, for example 2026-12-31."),
                         ("start=1066-10-14&end=2026-01-01", "between the years 2000 and 2100"),
                         ("start=2020-01-01&end=2026-01-01", "at most three years")):
        for path in ("/evidence/pack", "/evidence/pack.csv"):
            response = client.get(f"{path}?{query}")
            page = response.get_data(as_text=True)
            assert response.status_code == 400 and error in page, (path, query)
            assert 'aria-invalid="true"' in page and "Figures" not in page


def test_an_unknown_export_format_is_not_found(make, login_as, frozen_clock):
    client = login_as(make.user(make.setting(), role="pico"))
    assert client.get("/evidence/pack.pdf").status_code == 404


def test_the_action_plan_is_in_the_pack_with_families_counted_not_named(make, login_as, frozen_clock):
    from datetime import date

    from app.evidence.models import Action, ActionLink

    setting, manager = _pack_data(make)
    room = make.room(setting, "Toddlers")
    families = [make.child(setting, first_name="Wilhelmina"), make.child(setting, first_name="Octavia")]
    done = Action(setting_id=setting.id, what="Phone families not reached", owner_id=manager.id,
                  due_on=date(2026, 12, 1), status="done", outcome="Four families now get texts",
                  closed_on=date(2026, 11, 20))
    done.links = [ActionLink(child_id=c.id) for c in families]
    open_ = Action(setting_id=setting.id, what="Polish coffee morning", due_on=date(2027, 1, 15), status="planned")
    open_.links = [ActionLink(room_id=room.id), ActionLink(language="pl")]
    db.session.add_all([done, open_])
    db.session.commit()
    client = login_as(manager)

    page = client.get("/evidence/pack").get_data(as_text=True)
    section = page.split('id="pack-actions"', 1)[1]
    assert "1 of 2 actions under way in this period are done." in section
    assert "Phone families not reached" in section and "Four families now get texts" in section
    assert "2 families" in section and "Toddlers, Polski" in section
    assert "Wilhelmina" not in page and "Octavia" not in page

    rows = list(csv.reader(io.StringIO(client.get("/evidence/pack.csv").get_data(as_text=True))))
    assert ["Action plan", "Polish coffee morning", "", "2027-01-15", "Planned", "", "Toddlers, Polski"] in rows
