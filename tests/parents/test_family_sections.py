"""Features add sections to the family page; a section shows only when it has something."""
from flask import Blueprint

from app import create_app
from app.config import TestingConfig
from app.extensions import db
from app.parents import links
from app.parents.sections import register_section


def test_sections_render_in_order_and_only_when_they_have_something(_app, database_url, tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=str(tmp_path))
    app.jinja_loader.searchpath.append(str(tmp_path))
    (tmp_path / "_first.html").write_text("<section><h2>First: {{ section.word }}</h2></section>")
    (tmp_path / "_second.html").write_text("<section><h2>Second</h2></section>")
    (tmp_path / "_hidden.html").write_text("<section><h2>Hidden</h2></section>")
    bp = Blueprint("sections_test", __name__)

    @bp.record_once
    def register(state):
        register_section(state.app, "_second.html", lambda contact: {}, order=20)
        register_section(state.app, "_first.html", lambda contact: {"word": contact.first_name}, order=10)
        register_section(state.app, "_hidden.html", lambda contact: None, order=15)

    app.register_blueprint(bp)
    with app.app_context():
        from tests.conftest import Factory

        make = Factory()
        contact = make.contact(make.setting(), first_name="Ada")
        with app.test_request_context():
            token = links.issue_link(contact)
        db.session.commit()
        client = app.test_client()
        client.get(f"/l/{token}")
        page = client.get("/family").get_data(as_text=True)
        db.session.rollback()
        from tests.conftest import _empty_tables

        _empty_tables()
    assert "First: Ada" in page
    assert page.index("First: Ada") < page.index("Second") < page.index("Your details")
    assert "Hidden" not in page
