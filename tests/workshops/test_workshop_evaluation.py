"""The thank-you after a workshop can carry an evaluation questionnaire: each attendee's own link."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.surveys.models import Survey, SurveyInvitation
from app.workshops import services
from app.workshops.models import Rsvp
from tests.messaging.conftest import queue  # noqa: F401  (fixture)

def _link(mail) -> str:
    """The evaluation link: the personal link at the end of the thank-you's second paragraph."""
    paragraphs = mail.get_body(("plain",)).get_content().split("\r\n\r\n")
    return re.search(r"http://localhost(/l/\S+)$", paragraphs[1].strip()).group(1)


def test_attendees_each_get_their_own_evaluation_link_and_answers_count(client, make, login_as, smtp,
                                                                       workshop_of, frozen_clock):
    setting = make.setting()
    rana = make.contact(setting, children=[make.child(setting)], channels="email", first_name="Rana")
    ola = make.contact(setting, children=[make.child(setting)], channels="email", language="pl")
    absent = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting)
    for contact in (rana, ola, absent):
        services.answer(workshop, contact, services.RsvpData(answer="yes"))
    frozen_clock.now = workshop.starts_at + timedelta(hours=1)
    pico = make.user(setting, role="pico")
    login_as(pico)
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    came = [r.id for r in db.session.scalars(select(Rsvp).where(Rsvp.contact_id.in_([rana.id, ola.id])))]
    client.post(f"/workshops/{workshop.id}/register", data={"attended": [str(i) for i in came]})
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "Include an evaluation questionnaire" in page
    client.post(f"/workshops/{workshop.id}/thanks", data={"evaluation": "y"})

    assert smtp.to(absent.email) == []
    [to_rana], [to_ola] = smtp.to(rana.email), smtp.to(ola.email)
    assert to_rana["Subject"] == "Thank you: Messy play at home"
    assert "Please tell us what you thought" in to_rana.get_body(("plain",)).get_content()
    assert "Zabawa sensoryczna w domu" in to_ola["Subject"]
    assert _link(to_rana) != _link(to_ola)
    survey = db.session.scalar(select(Survey).where(Survey.workshop_id == workshop.id))
    assert survey.title == "Workshop evaluation: Messy play at home" and survey.status == "open"

    # Rana answers through her link; the answer counts in the survey's results.
    client.post("/logout")
    opened = client.get(_link(to_rana), follow_redirects=True)
    assert "How useful was the workshop?" in opened.get_data(as_text=True)
    rating = next(q for q in survey.questions if q.kind == "rating")
    topic = next(q for q in survey.questions if q.kind == "short_text")
    sent = client.post(f"/survey/{survey.id}/1", data={f"q{rating.id}": "5", f"q{topic.id}": "Sleep",
                                                     "action": "submit"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/survey/{survey.id}/thanks")
    # Ola's own link opens the same questionnaire, in Polish, as her own invitation.
    client.post("/family/leave")
    page = client.get(_link(to_ola), follow_redirects=True).get_data(as_text=True)
    assert f'name="q{rating.id}"' in page and 'lang="pl"' in page

    client.post("/family/leave")
    login_as(pico)
    results = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert re.search(r"<td>all</td><td>2</td><td>1</td><td>50%</td>", results)
    assert "Sleep" in results
    invited = {i.contact_id for i in db.session.scalars(select(SurveyInvitation).where(
        SurveyInvitation.survey_id == survey.id))}
    assert invited == {rana.id, ola.id}
    edit = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Evaluation of the workshop" in edit and "Messy play at home" in edit


def test_thank_you_without_evaluation_has_no_survey_link(client, make, login_as, smtp, workshop_of, frozen_clock):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    workshop = workshop_of(setting)
    services.answer(workshop, parent, services.RsvpData(answer="yes"))
    services.mark_register(workshop, {workshop.rsvps[0].id})
    frozen_clock.now = workshop.starts_at + timedelta(hours=1)
    login_as(make.user(setting, role="pico"))
    client.post(f"/workshops/{workshop.id}/thanks")
    [mail] = smtp.to(parent.email)
    assert "Please tell us what you thought" not in mail.get_body(("plain",)).get_content()
    assert db.session.scalar(select(Survey)) is None
