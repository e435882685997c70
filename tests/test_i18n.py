"""Choosing the page language, direction, dates and time zone; error pages in the user's language."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from babel.messages.pofile import read_po
from flask import Blueprint, g, render_template_string
from flask_babel import refresh

from app import create_app
from app.cli import TRANSLATIONS
from app.config import LANGUAGES, TestingConfig
from app.extensions import db
from app.parents import links
from tests.conftest import IsolatedClient


def _parent(client, make, language="pl", **setting_kw):
    setting = make.setting(**setting_kw)
    contact = make.contact(setting, children=[make.child(setting, first_name="Amira")], first_name="Layla",
                           language=language)
    token = links.issue_link(contact)
    db.session.commit()
    assert client.get(f"/l/{token}").status_code == 302
    return contact, token


def _lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)" dir="(\w+)">', page).group(1, 2)


def _translation(code: str, msgid: str) -> str:
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=code)[msgid].string


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_family_page_renders_in_every_language(client, make, code):
    _parent(client, make, language=code)
    page = client.get("/family", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    english = "Hello, %(name)s"
    heading = (english if code == "en" else _translation(code, english)) % {"name": "<bdi>Layla</bdi>"}
    assert f"<h1>{heading}</h1>" in page
    if code != "en":
        assert "Hello," not in page and "Your details" not in page and "Save my details" not in page
    assert _lang(page) == ("en-GB" if code == "en" else code, "rtl" if code in ("ur", "ar") else "ltr")


def test_contacts_language_wins_over_the_browser(client, make):
    _parent(client, make, language="pl")
    page = client.get("/family", headers={"Accept-Language": "es, en;q=0.5"}).get_data(as_text=True)
    assert _lang(page) == ("pl", "ltr")


def test_switcher_changes_the_page_until_the_next_link_or_save(client, make):
    contact, token = _parent(client, make, language="pl")
    response = client.post("/language", data={"lang": "ar", "next": "/family"})
    assert response.headers["Location"] == "/family"
    assert _lang(client.get("/family").get_data(as_text=True)) == ("ar", "rtl")
    assert contact.language == "pl"  # the stored preference is untouched

    client.get(f"/l/{token}")  # opening a link again: the parent's own language
    assert _lang(client.get("/family").get_data(as_text=True)) == ("pl", "ltr")

    client.post("/language", data={"lang": "en", "next": "/family"})
    client.post("/family", data={"email": contact.email, "mobile": contact.mobile, "language": "lt",
                                 "channels": "both"})
    assert _lang(client.get("/family").get_data(as_text=True)) == ("lt", "ltr")  # what was just saved


def test_switcher_only_returns_to_this_site(client, make):
    response = client.post("/language", data={"lang": "so", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    response = client.post("/language", data={"lang": "so", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_without_a_parent_the_browser_then_the_default_decide(client, make):
    assert _lang(client.get("/login", headers={"Accept-Language": "ro-RO,ro;q=0.9"}).get_data(as_text=True)) == (
        "ro", "ltr")
    assert _lang(client.get("/login", headers={"Accept-Language": "ur"}).get_data(as_text=True)) == ("ur", "rtl")
    assert _lang(client.get("/login", headers={"Accept-Language": "de, fr"}).get_data(as_text=True)) == (
        "en-GB", "ltr")
    assert _lang(client.get("/login").get_data(as_text=True)) == ("en-GB", "ltr")


def test_the_settings_default_language_comes_last(client, make, login_as):
    setting = make.setting(default_language="bn")
    login_as(make.user(setting))
    assert _lang(client.get("/children").get_data(as_text=True)) == ("bn", "ltr")
    assert _lang(client.get("/children", headers={"Accept-Language": "es"}).get_data(as_text=True)) == (
        "es", "ltr")


def _render_dates(app, setting, language="en"):
    moment = datetime(2026, 7, 1, 12, 30, tzinfo=timezone.utc)
    with app.test_request_context("/", headers={"Accept-Language": language}):
        g.setting = setting
        refresh()  # Flask-Babel caches on `g`, which this test's app context shares
        return render_template_string("{{ when|date('long') }} {{ when|datetime('short') }}", when=moment)


def test_english_dates_are_british_in_london_time(app, make):
    assert _render_dates(app, make.setting()) == "1 July 2026 01/07/2026, 13:30"


def test_a_setting_elsewhere_uses_its_own_time_zone(app, make):
    assert _render_dates(app, make.setting(timezone="America/New_York")).endswith("08:30")
    assert _render_dates(app, make.setting(timezone="Not/AZone")).endswith("13:30")  # a bad value: the default


def test_dates_follow_the_page_language(app, make):
    assert _render_dates(app, make.setting(), "pl").startswith("1 lipca 2026")


def test_not_found_page_is_in_the_browsers_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert _lang(page) == ("es", "ltr")
    assert f"<h1>{_translation('es', 'Page not found')}</h1>" in page


def test_error_pages_in_a_parents_session_are_in_the_parents_language(client, make):
    _parent(client, make, language="ar")
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _lang(page) == ("ar", "rtl")
    assert f"<h1>{_translation('ar', 'Page not found')}</h1>" in page
    assert 'href="/family"' in page  # back to their own page
    forbidden = client.get("/l/" + "x" * 40)
    assert _lang(forbidden.get_data(as_text=True)) == ("ar", "rtl")


@pytest.fixture
def failing_app(app, database_url, tmp_path):
    """A second app on the same database with a page that fails, to see the real 500 page."""
    other = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, INSTANCE_PATH=str(tmp_path),
                       PROPAGATE_EXCEPTIONS=False)
    other.test_client_class = IsolatedClient
    broken = Blueprint("broken_test", __name__)

    @broken.get("/broken")
    def fail():
        raise RuntimeError("a bug")

    other.register_blueprint(broken)
    with other.app_context():
        yield other
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_server_error_page_is_in_the_users_language(failing_app, make):
    client = failing_app.test_client()
    response = client.get("/broken", headers={"Accept-Language": "so"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert _lang(page) == ("so", "ltr")
    assert f"<h1>{_translation('so', 'Sorry, something went wrong')}</h1>" in page

    _parent(client, make, language="ur")
    page = client.get("/broken", headers={"Accept-Language": "so"}).get_data(as_text=True)
    assert _lang(page) == ("ur", "rtl")


def test_forbidden_page_is_in_the_users_language(client, make, login_as):
    setting = make.setting()
    login_as(make.user(setting, role="practitioner"))
    response = client.get("/rooms", headers={"Accept-Language": "lt"})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert _lang(page) == ("lt", "ltr")
    assert f"<h1>{_translation('lt', 'You cannot open this page')}</h1>" in page
