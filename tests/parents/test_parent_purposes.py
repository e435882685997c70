"""A link of one purpose never opens another purpose's pages (later features add purposes)."""
from __future__ import annotations

import pytest
from flask import Blueprint

from app import create_app
from app.config import TestingConfig
from app.extensions import db
from app.parents import links
from app.parents.routes import parent_required
from tests.conftest import IsolatedClient


@pytest.fixture
def survey_app(app, database_url, tmp_path):
    """A second app on the same database, with a 'survey' purpose and its page registered."""
    other = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=str(tmp_path))
    other.test_client_class = IsolatedClient
    survey = Blueprint("survey_test", __name__)
    survey.record_once(lambda state: links.register_purpose(state.app, "survey", "survey_test.answer"))

    @survey.get("/survey-test")
    @parent_required("survey")
    def answer():
        parent = links.current_parent()
        return f"Survey {parent.scope_id} for {parent.contact.first_name}"

    other.register_blueprint(survey)
    with other.app_context():
        yield other
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_each_purpose_opens_only_its_own_pages(survey_app, make):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)], first_name="Olu")
    survey_token = links.issue_link(contact, "survey", scope_id=42)
    family_token = links.issue_link(contact)
    db.session.commit()
    client = survey_app.test_client()

    response = client.get(f"/l/{survey_token}")
    assert response.headers["Location"] == "/survey-test"
    page = client.get("/survey-test")
    assert page.get_data(as_text=True) == "Survey 42 for Olu"
    assert (page.headers["Referrer-Policy"], page.headers["Cache-Control"]) == ("no-referrer", "no-store")
    refused = client.get("/family")
    assert refused.status_code == 403
    assert "Olu" not in refused.get_data(as_text=True)

    assert client.get(f"/l/{family_token}").headers["Location"] == "/family"
    assert client.get("/family").status_code == 200
    assert client.get("/survey-test").status_code == 403


def test_a_purpose_without_a_page_cannot_be_issued_or_opened(app, client, make):
    setting = make.setting()
    contact = make.contact(setting)
    with pytest.raises(ValueError):
        links.issue_link(contact, "not-a-feature")  # not registered in this app
    # a link stored for a purpose this app does not know (a feature switched off) is refused
    links.register_purpose(app, "not-a-feature", "parents.family")
    try:
        token = links.issue_link(contact, "not-a-feature")
        db.session.commit()
    finally:
        links.purposes().pop("not-a-feature")
    response = client.get(f"/l/{token}")
    assert response.status_code == 404
    assert client.get("/family").status_code == 403
