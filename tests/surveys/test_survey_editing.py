"""Builder editing: change, move and delete questions and sections; only rewording after sending."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.surveys.models import SurveyOption, SurveyQuestion, SurveySection, SurveyText
from app.surveys import services
from app.surveys.texts import set_text
from tests.surveys.helpers import link_path, simple_survey


def _order(survey) -> list[str]:
    db.session.expire_all()
    return [q.text for s in sorted(survey.sections, key=lambda s: s.position)
            for q in sorted(s.questions, key=lambda q: q.position)]


def test_pico_changes_moves_and_deletes_questions_before_sending(client, make, login_as):
    setting = make.setting()
    survey, q = simple_survey(setting)
    ids = {k: (v.id, v.section_id) for k, v in q.items()}
    set_text(survey, f"q:{q['pick'].id}", "ro", "Cea mai bună zi?", "approved")
    login_as(make.user(setting, role="pico"))
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Move down" in page and "Delete" in page
    form = client.get(f"/surveys/{survey.id}/questions/{q['pick'].id}").get_data(as_text=True)
    assert "Best day?" in form and "Monday\nFriday" in form
    saved = client.post(f"/surveys/{survey.id}/questions/{q['pick'].id}",
                        data={"text": "Which day suits you?", "options": "Monday\nWednesday\nFriday", "required": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    pick = db.session.get(SurveyQuestion, q["pick"].id)
    assert pick.text == "Which day suits you?" and pick.required
    assert [o.text for o in pick.options] == ["Monday", "Wednesday", "Friday"]
    ro = db.session.scalar(select(SurveyText).where(SurveyText.key == f"q:{pick.id}", SurveyText.language == "ro"))
    assert ro.status == "needs_review"
    client.post(f"/surveys/{survey.id}/questions/{pick.id}/move", data={"direction": "up"})
    assert _order(survey)[:2] == ["Which day suits you?", "My child is happy."]
    # The show-if question cannot go before the question it depends on.
    moved = client.post(f"/surveys/{survey.id}/questions/{q['idea'].id}/move", data={"direction": "up"},
                        follow_redirects=True)
    assert "must stay after that question" in moved.get_data(as_text=True)
    assert _order(survey)[2:4] == ["Any ideas?", "Your idea"]
    client.post(f"/surveys/{survey.id}/sections/{ids['yes'][1]}/move", data={"direction": "up"})
    assert _order(survey)[0] == "Any ideas?"
    client.post(f"/surveys/{survey.id}/questions/{ids['yes'][0]}/delete")
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, ids["yes"][0]) is None
    assert db.session.get(SurveyQuestion, ids["idea"][0]).show_if_question_id is None
    client.post(f"/surveys/{survey.id}/sections/{ids['like'][1]}/delete")
    assert _order(survey) == ["Your idea", "How many children?"]
    client.post(f"/surveys/{survey.id}/sections/{ids['count'][1]}", data={"section_title": "Ideas"})
    db.session.expire_all()
    assert [s.title for s in db.session.scalars(select(SurveySection))] == ["Ideas"]


def test_after_sending_only_the_wording_can_be_corrected(client, make, login_as, smtp):
    setting = make.setting()
    make.contact(setting, children=[make.child(setting)], channels="email")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email")
    login_as(make.user(setting, role="pico"))
    client.post(f"/surveys/{survey.id}/send")
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "cannot be deleted, added or moved" in page and "Move down" not in page
    assert "Invitations have been sent" in client.get(
        f"/surveys/{survey.id}/questions/{q['pick'].id}").get_data(as_text=True)
    fewer = client.post(f"/surveys/{survey.id}/questions/{q['pick'].id}", data={"text": "Best day?", "options": "Monday"})
    assert fewer.status_code == 200 and "keep the same number of choices" in fewer.get_data(as_text=True)
    fixed = client.post(f"/surveys/{survey.id}/questions/{q['pick'].id}",
                        data={"text": "Best day of the week?", "options": "Monday\nFriday (afternoon)"})
    assert fixed.status_code == 302
    gone = client.post(f"/surveys/{survey.id}/questions/{q['like'].id}/delete", follow_redirects=True)
    assert "cannot be deleted any more" in gone.get_data(as_text=True)
    client.post(f"/surveys/{survey.id}/sections/{q['yes'].section_id}/delete")
    client.post(f"/surveys/{survey.id}/questions/{q['count'].id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, q["like"].id) is not None
    assert len(db.session.scalars(select(SurveySection)).all()) == 2
    assert _order(survey)[-1] == "How many children?"
    assert [o.text for o in db.session.scalars(select(SurveyOption).order_by(SurveyOption.position))] == [
        "Monday", "Friday (afternoon)"]
    assert db.session.get(SurveyQuestion, q["pick"].id).text == "Best day of the week?"


def test_staff_of_another_setting_get_404_and_foreign_ids_404(client, make, login_as):
    setting, other = make.setting(), make.setting()
    survey, q = simple_survey(setting)
    their_survey, theirs = simple_survey(other)
    login_as(make.user(make.setting(), role="pico"))
    assert client.get(f"/surveys/{survey.id}/questions/{q['like'].id}").status_code == 404
    assert client.post(f"/surveys/{survey.id}/questions/{q['like'].id}/delete").status_code == 404
    assert client.post(f"/surveys/{survey.id}/sections/{q['like'].section_id}/move",
                       data={"direction": "up"}).status_code == 404
    login_as(make.user(setting, role="pico"))
    assert client.get(f"/surveys/{survey.id}/questions/{theirs['like'].id}").status_code == 404
    assert client.post(f"/surveys/{survey.id}/sections/{theirs['like'].section_id}/delete").status_code == 404
    assert client.post(f"/surveys/{survey.id}/questions/{theirs['like'].id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, theirs["like"].id) is not None


def test_practitioners_cannot_edit(client, make, login_as):
    setting = make.setting()
    survey, q = simple_survey(setting)
    login_as(make.user(setting, role="practitioner"))
    response = client.post(f"/surveys/{survey.id}/questions/{q['like'].id}/delete")
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, q["like"].id) is not None


def test_a_correction_reaches_a_parent_who_already_has_the_survey_open(app, client, make, login_as, smtp):
    # Each process keeps a survey's questions (app/surveys/structure.py); a change must show at once.
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email")
    db.session.commit()
    services.open_and_invite(survey)
    browser = app.test_client()
    browser.get(link_path(smtp.to(parent.email)[0]))
    before = browser.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    assert "Best day?" in before and "Friday (afternoon)" not in before
    login_as(make.user(setting, role="pico"))
    fixed = client.post(f"/surveys/{survey.id}/questions/{q['pick'].id}",
                        data={"text": "Best day of the week?", "options": "Monday\nFriday (afternoon)"})
    assert fixed.status_code == 302
    after = browser.get(f"/survey/{survey.id}/1").get_data(as_text=True)
    assert "Best day of the week?" in after and "Friday (afternoon)" in after and "Best day?" not in after
