"""The builder: templates in every language, question types, show-if, translation workflow."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.surveys.models import KINDS, Survey, SurveyText
from app.surveys.services import from_template, missing_translations
from app.surveys.templates_library import LIBRARY


def test_every_template_arrives_approved_in_every_language(app, make):
    setting = make.setting()
    for name in LIBRARY:
        survey = from_template(setting, name)
        for language in app.config["LANGUAGES"]:
            if language != "en":
                assert missing_translations(survey, language) == [], (name, language)
    annual = db.session.scalar(select(Survey).where(Survey.title == "Annual parent questionnaire"))
    ro = {t.key: t.text for t in annual.texts if t.language == "ro"}
    assert ro["title"] == "Chestionarul anual pentru părinți"
    which = next(q for q in annual.questions if q.text == "Which language?")
    assert which.show_if_value == "yes" and which.show_if_question_id


def test_pico_builds_a_survey_with_every_question_type(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="pico"))
    created = client.post("/surveys/new", data={"template": ""})
    survey = db.session.scalar(select(Survey))
    assert created.location.endswith(f"/surveys/{survey.id}")
    section = survey.sections[0].id
    for kind in KINDS:
        data = {"what": "question", "q-section": section, "q-kind": kind, "q-text": f"A {kind} question",
                "q-show_if": 0}
        if kind in ("single", "multiple"):
            data["q-options"] = "Red\nBlue"
        assert client.post(f"/surveys/{survey.id}", data=data).status_code == 302, kind
    db.session.expire_all()
    assert [q.kind for q in survey.questions] == list(KINDS)
    # Show-if by the text of a choice.
    single = survey.questions[0]
    client.post(f"/surveys/{survey.id}", data={"what": "question", "q-section": section, "q-kind": "short_text",
                                               "q-text": "Why blue?", "q-show_if": single.id, "q-show_if_value": "blue"})
    db.session.expire_all()
    assert survey.questions[-1].show_if_value == str(single.options[1].id)
    # A choice question without choices is refused with a message next to the field.
    page = client.post(f"/surveys/{survey.id}", data={"what": "question", "q-section": section, "q-kind": "single",
                                                      "q-text": "Pick", "q-show_if": 0})
    assert "at least two choices" in page.get_data(as_text=True)


def test_translations_go_draft_review_approved_and_only_approved_reach_parents(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="pico"))
    client.post("/surveys/new", data={"template": ""})
    survey = db.session.scalar(select(Survey))
    client.post(f"/surveys/{survey.id}", data={"what": "question", "q-section": survey.sections[0].id,
                                               "q-kind": "yesno", "q-text": "Happy?", "q-show_if": 0})
    db.session.expire_all()
    q = survey.questions[0]
    client.post(f"/surveys/{survey.id}/translate/pl", data={f"text-q:{q.id}": "Zadowolony?",
                                                            f"status-q:{q.id}": "needs_review",
                                                            "text-title": "Ankieta", "status-title": "approved"})
    rows = {t.key: t.status for t in db.session.scalars(select(SurveyText))}
    assert rows == {f"q:{q.id}": "needs_review", "title": "approved"}
    assert missing_translations(survey, "pl") == [f"q:{q.id}"]
    client.post(f"/surveys/{survey.id}/translate/pl", data={f"text-q:{q.id}": "Zadowolony?",
                                                            f"status-q:{q.id}": "approved",
                                                            "text-title": "Ankieta", "status-title": "approved"})
    assert missing_translations(survey, "pl") == []


def test_pico_makes_a_template_survey_sets_it_up_and_sends_it(client, make, login_as, smtp):
    from app.surveys.models import SurveyInvitation

    setting = make.setting()
    room = make.room(setting, "Acorns")
    in_room = make.contact(setting, children=[make.child(setting, room=room)], channels="email", language="ro")
    elsewhere = make.contact(setting, children=[make.child(setting)], channels="email")
    login_as(make.user(setting, role="pico"))
    assert "Workshop evaluation" in client.get("/surveys").get_data(as_text=True)
    client.post("/surveys/new", data={"template": "workshop"})
    survey = db.session.scalar(select(Survey))
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "How useful was the workshop?" in page and "Română" in page
    assert "Cât de util a fost atelierul?" in client.get(f"/surveys/{survey.id}/translate/ro").get_data(as_text=True)
    bad = client.post(f"/surveys/{survey.id}", data={"what": "settings", "title": "Workshop", "mode": "confidential",
                                                     "reminder_days": "three", "channels": "email",
                                                     "audience_kind": "rooms", "rooms": [room.id], "one_per_family": "every"})
    assert "Days as numbers" in bad.get_data(as_text=True)
    saved = client.post(f"/surveys/{survey.id}", data={"what": "settings", "title": "Workshop", "mode": "confidential",
                                                       "reminder_days": "3, 7", "channels": "email",
                                                       "audience_kind": "rooms", "rooms": [room.id], "one_per_family": "every",
                                                       "closes_at": "2030-01-31T17:00"})
    assert saved.status_code == 302
    client.post(f"/surveys/{survey.id}/send")
    db.session.expire_all()
    assert survey.status == "open" and survey.closes_at.year == 2030
    [mail] = smtp.to(in_room.email)
    # The English title changed, so its Romanian version went back to review: sent in English.
    assert mail["Subject"] == "Workshop"
    assert {t.status for t in survey.texts if t.key == "title"} == {"needs_review"}
    assert smtp.to(elsewhere.email) == []
    assert [i.contact_id for i in db.session.scalars(select(SurveyInvitation))] == [in_room.id]
    assert client.get(f"/surveys/{survey.id}/results").status_code == 200
