"""Bad answers: a clear error and nothing stored; random posts never give a 500."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.parents.links import issue_link
from app.surveys import services
from app.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.surveys.helpers import link_path, simple_survey


@pytest.fixture
def opened(client, make, smtp):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email")
    db.session.commit()
    services.open_and_invite(survey)
    client.get(link_path(smtp.to(parent.email)[0]))
    return survey, q, parent


def _nothing_stored():
    assert db.session.query(SurveyResponse).count() == 0
    assert db.session.query(SurveyAnswer).count() == 0


def test_unknown_question_is_refused(client, opened):
    survey, q, parent = opened
    page = client.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": "a", "q99999": "x"})
    assert page.status_code == 400 and "nothing was saved" in page.get_data(as_text=True)
    _nothing_stored()


def test_question_of_another_screen_or_option_of_another_question_is_refused(client, opened):
    survey, q, parent = opened
    assert client.post(f"/survey/{survey.id}/1", data={f"q{q['count'].id}": "3"}).status_code == 400
    other = q["pick"].options[0].id + 1000
    assert client.post(f"/survey/{survey.id}/1", data={f"q{q['pick'].id}": str(other)}).status_code == 400
    assert client.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": "maybe"}).status_code == 400
    assert client.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": ["a", "d"]}).status_code == 400
    _nothing_stored()


def test_out_of_range_and_oversize_answers_get_messages(client, opened):
    survey, q, parent = opened
    client.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": "a"})
    before = db.session.query(SurveyAnswer).count()
    page = client.post(f"/survey/{survey.id}/2", data={f"q{q['count'].id}": "11", f"q{q['yes'].id}": "yes",
                                                       f"q{q['idea'].id}": "x" * 4001, "action": "submit"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Please enter a number from 0 to 10." in text and "Please shorten your answer to 4000 characters." in text
    assert client.post(f"/survey/{survey.id}/2", data={f"q{q['count'].id}": "nan"}).status_code == 422
    assert db.session.query(SurveyAnswer).count() == before
    assert not db.session.query(SurveyInvitation).one().responded


def test_foreign_token_cannot_reach_another_survey(client, opened, make):
    survey, q, parent = opened
    other_setting = make.setting()
    other, _ = simple_survey(other_setting, audience={"all": True})
    other.status = "open"
    db.session.commit()
    assert client.get(f"/survey/{other.id}/1").status_code == 403
    assert client.post(f"/survey/{other.id}/1", data={}).status_code == 403
    # A survey link of the right parent but for another survey of the same setting is refused too.
    same, _ = simple_survey(survey.setting if hasattr(survey, "setting") else other_setting)
    same.status = "open"
    db.session.commit()
    assert client.get(f"/survey/{same.id}/1").status_code == 403


def test_replayed_or_tampered_token_gives_a_friendly_page(client, opened):
    survey, q, parent = opened
    token = issue_link(parent, "survey", survey.id)
    db.session.commit()
    assert client.get(f"/l/{token[:-2]}xx").status_code == 404
    from app.parents.links import find_link, revoke

    revoke(find_link(token))
    db.session.commit()
    page = client.get(f"/l/{token}")
    assert page.status_code == 410
    _nothing_stored()


names = st.one_of(st.sampled_from(["q1", "q2", "q3", "q4", "q5", "action", "csrf_token", "q", "q-1", "q1x"]),
                  st.text(max_size=8))
values = st.one_of(st.text(max_size=50), st.sampled_from(["a", "sa", "yes", "1", "-1", "1e308", "inf", "submit",
                                                          "later", "back", "9" * 40]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(names, st.one_of(values, st.lists(values, max_size=3)), max_size=6),
       step=st.integers(min_value=-1, max_value=4))
def test_random_posts_never_give_a_500(client, opened, data, step):
    survey, q, parent = opened
    response = client.post(f"/survey/{survey.id}/{step}" if step >= 0 else f"/survey/{survey.id}/x", data=data)
    assert response.status_code < 500
