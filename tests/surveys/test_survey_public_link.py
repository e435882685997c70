"""The anonymous link for a notice board: anyone can answer, rate-limited per address."""
from __future__ import annotations

from app.extensions import db
from app.surveys import services
from app.surveys.models import SurveyResponse
from tests.surveys.helpers import answer_all, simple_survey


def _public(make):
    setting = make.setting()
    survey, q = simple_survey(setting)
    survey.status = "open"
    key = services.enable_public_link(survey)
    db.session.commit()
    return survey, q, key


def test_anonymous_link_lets_a_parent_answer_without_any_identity(client, make):
    survey, q, key = _public(make)
    opened = client.get(f"/s/{key}")
    assert opened.status_code == 302
    assert answer_all(client, survey, q).location.endswith("/thanks")
    [response] = db.session.query(SurveyResponse).all()
    assert response.submitted and response.source == "public" and response.contact_id is None
    assert response.room_id is None


def test_unknown_or_closed_public_link_is_friendly(client, make):
    survey, q, key = _public(make)
    assert client.get("/s/not-a-key").status_code == 404
    survey.status = "closed"
    db.session.commit()
    page = client.get(f"/s/{key}")
    assert page.status_code == 410 and "This questionnaire is closed" in page.get_data(as_text=True)


def test_public_link_is_rate_limited_per_address(client, make):
    survey, q, key = _public(make)
    codes = [client.get(f"/s/{key}", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code for _ in range(21)]
    assert codes[:20] == [302] * 20 and codes[20] == 429
    assert client.get(f"/s/{key}", environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 302
