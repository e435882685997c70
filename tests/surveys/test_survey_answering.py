"""Invitations by personal link, one response per invitation, edits until close, friendly closed page."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.surveys import services
from app.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.surveys.helpers import answer_all, link_path, simple_survey


def _sent(make, smtp, **kw):
    setting = make.setting()
    room = make.room(setting)
    child = make.child(setting, room=room)
    a = make.contact(setting, children=[child], channels="email")
    b = make.contact(setting, children=[child], channels="email", language="ro")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email", **kw)
    db.session.commit()
    services.open_and_invite(survey)
    return setting, survey, q, a, b


def test_invitation_email_carries_a_personal_link_that_opens_the_survey(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    [mail] = smtp.to(a.email)
    assert "confidential" in mail.get_body(("plain",)).get_content()
    opened = client.get(link_path(mail))
    assert opened.status_code == 302 and opened.location.endswith("/survey")
    page = client.get("/survey", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "My child is happy." in text and "Part 1 of 2" in text
    invitations = db.session.scalars(select(SurveyInvitation)).all()
    assert {i.contact_id for i in invitations} == {a.id, b.id}
    assert all(not i.responded for i in invitations)


def test_answering_marks_the_invitation_responded_and_thanks_the_parent(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    client.get(link_path(smtp.to(a.email)[0]))
    sent = answer_all(client, survey, q)
    assert sent.status_code == 302 and sent.location.endswith(f"/survey/{survey.id}/thanks")
    assert "Thank you" in client.get(sent.location).get_data(as_text=True)
    inv = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.contact_id == a.id))
    assert inv.responded
    [response] = db.session.scalars(select(SurveyResponse)).all()
    assert response.submitted
    values = {ans.question_id: ans.value for ans in response.answers}
    assert values[q["idea"].id] == "More songs" and values[q["count"].id] == "2"


def test_parent_changes_answers_until_close_and_only_one_response_counts(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    path = link_path(smtp.to(a.email)[0])
    client.get(path)
    answer_all(client, survey, q, idea="First idea")
    # Later, a new visit with the same link: the earlier answers are shown and can be changed.
    client.post("/family/leave")
    client.get(path)
    page = client.get(f"/survey/{survey.id}/2").get_data(as_text=True)
    assert "First idea" in page and "already sent your answers" in page
    answer_all(client, survey, q, idea="Second idea")
    texts = [x.value for x in db.session.scalars(select(SurveyAnswer).where(
        SurveyAnswer.question_id == q["idea"].id))]
    assert texts == ["Second idea"]
    assert db.session.query(SurveyResponse).count() == 1
    # A different link of the same parent (e.g. a new invitation) cannot add a second response.
    from app.parents.links import issue_link

    other = issue_link(a, "survey", survey.id)
    db.session.commit()
    client.get(f"/l/{other}")
    refused = client.get(f"/survey/{survey.id}/1")
    assert refused.status_code == 409 and "already answered" in refused.get_data(as_text=True)
    assert db.session.query(SurveyResponse).count() == 1
    # Once closed, the link shows a friendly closed page and nothing can change.
    survey.status = "closed"
    db.session.commit()
    client.get(path)
    closed = client.get(f"/survey/{survey.id}/1")
    assert closed.status_code == 410 and "closed" in closed.get_data(as_text=True)


def test_close_date_closes_the_survey(client, make, smtp, frozen_clock):
    from datetime import timedelta

    setting, survey, q, a, b = _sent(make, smtp)
    survey.closes_at = frozen_clock.now + timedelta(days=2)
    db.session.commit()
    path = link_path(smtp.to(a.email)[0])
    client.get(path)
    assert client.get(f"/survey/{survey.id}/1").status_code == 200
    frozen_clock.advance(days=2)
    assert services.close_due() == 1
    client.get(path)
    closed = client.get(f"/survey/{survey.id}/1")
    assert closed.status_code == 410 and "This questionnaire is closed" in closed.get_data(as_text=True)


def test_save_and_continue_later_keeps_a_draft_not_counted_as_a_response(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    client.get(link_path(smtp.to(a.email)[0]))
    saved = client.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": "sa", "action": "later"})
    assert "Your answers are saved" in saved.get_data(as_text=True)
    inv = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.contact_id == a.id))
    assert not inv.responded
    assert 'value="sa" checked' in client.get(f"/survey/{survey.id}/1").get_data(as_text=True)


def test_required_question_is_asked_again(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    client.get(link_path(smtp.to(a.email)[0]))
    page = client.post(f"/survey/{survey.id}/1", data={})
    assert page.status_code == 422 and "Please answer this question." in page.get_data(as_text=True)
    assert db.session.query(SurveyResponse).count() == 0


def test_romanian_parent_gets_the_survey_in_romanian_where_approved(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    client.get(link_path(smtp.to(b.email)[0]))
    page = client.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    assert 'lang="ro"' in page and "Partea 1 din 2" in page
    assert "De acord" in page  # the fixed scale in Romanian; the unapproved question text falls back
    assert '<legend lang="en">My child is happy.' in page


def test_family_page_lists_surveys_to_answer(client, make, smtp):
    from app.parents.links import issue_link

    setting, survey, q, a, b = _sent(make, smtp)
    token = issue_link(a)
    db.session.commit()
    client.get(f"/l/{token}")
    family = client.get("/family").get_data(as_text=True)
    assert "Questionnaires" in family and "Our nursery" in family and "please answer" in family
    assert client.get(f"/survey/{survey.id}/1").status_code == 200


def test_link_opened_before_the_invitations_were_noted_still_works(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    db.session.query(SurveyInvitation).delete()  # as if the worker sent before the rows were written
    db.session.commit()
    client.get(link_path(smtp.to(a.email)[0]))
    assert client.get(f"/survey/{survey.id}/1").status_code == 200
    assert {i.contact_id for i in db.session.scalars(select(SurveyInvitation))} == {a.id, b.id}


def test_language_switcher_and_right_to_left_on_survey_pages(client, make, smtp):
    setting, survey, q, a, b = _sent(make, smtp)
    client.get(link_path(smtp.to(a.email)[0]))
    switched = client.post("/language", data={"lang": "ur", "next": f"/survey/{survey.id}/1"})
    assert switched.location.endswith(f"/survey/{survey.id}/1")
    page = client.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in page and "حصہ 1 از 2" in page
    # The answer is kept with the language the parent answered in.
    answer_all(client, survey, q)
    assert db.session.scalar(select(SurveyResponse.language)) == "ur"
