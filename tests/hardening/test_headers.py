"""Security headers on every kind of response: login, a staff page, a parent page, an error page, a file."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from app import create_app
from app.config import ProductionConfig
from app.extensions import db
from app.parents import links


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.partition(" ")[2] for part in (p.strip() for p in policy.split(";")) if part}


def _pages(client, make, login_as):
    """(name, response) for each kind of page: fetched as anonymous, staff and parent."""
    pages = [("login", client.get("/login")), ("error", client.get("/no-such-page")),
             ("static", client.get("/static/style.css"))]
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    token = links.issue_link(contact)
    db.session.commit()
    pages.append(("link exchange", client.get(f"/l/{token}")))
    pages.append(("family page", client.get("/family")))
    client.post("/family/leave")
    login_as(make.user(setting, role="manager"))
    pages.append(("staff page", client.get("/staff")))
    pages.append(("staff 404", client.get("/staff/999999")))
    return pages


def test_every_kind_of_page_carries_the_security_headers(client, make, login_as):
    pages = _pages(client, make, login_as)
    assert [r.status_code for _, r in pages] == [200, 404, 200, 302, 200, 200, 404]
    for name, response in pages:
        csp = _directives(response)
        assert csp["script-src"] == "'self'", name  # no inline script, no eval
        assert csp["style-src"] == "'self'", name  # no <style> blocks
        assert csp["object-src"] == "'none'", name
        assert csp["base-uri"] == "'none'", name
        assert csp["form-action"] == "'self'", name
        assert csp["frame-ancestors"] == "'none'", name
        assert csp["default-src"] == "'self'", name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "no-referrer", name
        assert response.headers["X-Frame-Options"] == "DENY", name
        assert "camera=()" in response.headers["Permissions-Policy"], name
        assert "Strict-Transport-Security" not in response.headers, name  # not over plain http
    cache = {name: response.headers.get("Cache-Control") for name, response in pages}
    assert cache["family page"] == cache["staff page"] == cache["login"] == "no-store"
    assert cache["static"] != "no-store"


def test_pages_have_no_inline_script_or_event_handler(client, make, login_as):
    for name, response in _pages(client, make, login_as):
        html = response.get_data(as_text=True)
        if response.mimetype != "text/html":
            continue
        assert "<script>" not in html and "<style" not in html, name
        assert " onclick=" not in html and " onload=" not in html and "javascript:" not in html, name


def test_a_nonced_inline_script_is_allowed_on_that_response_only(app):
    from flask import render_template_string

    from app.headers import content_security_policy

    with app.app_context(), app.test_request_context("/"):
        html = render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')
        nonce = html.split('nonce="')[1].split('"')[0]
        assert len(nonce) >= 20
        assert f"script-src 'self' 'nonce-{nonce}';" in content_security_policy()
    with app.app_context(), app.test_request_context("/"):
        assert "script-src 'self';" in content_security_policy()  # no nonce unless the page used one
        assert nonce not in render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')


@pytest.fixture
def production_app(tmp_path):
    app = create_app(ProductionConfig, SECRET_KEY="x" * 32, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db",
                     INSTANCE_PATH=str(tmp_path), RATELIMIT_STORAGE_URI="memory://", QUEUE_URL="memory://",
                     DATA_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_sends_hsts_and_a_host_only_secure_session_cookie(production_app):
    client = production_app.test_client()
    response = client.get("/login", base_url="https://homelink.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]  # the form's CSRF token starts a session
    assert cookie.startswith("__Host-session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "Domain=" not in cookie


def test_production_form_posts_work_without_a_referer(production_app):
    """Pages send no Referer (Referrer-Policy), so the CSRF check must not ask for one over HTTPS."""
    client = production_app.test_client()
    page = client.get("/login", base_url="https://homelink.example").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", base_url="https://homelink.example",
                           data={"csrf_token": token, "email": "nobody@example.org", "password": "wrong password"})
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)
    refused = client.post("/login", base_url="https://homelink.example",
                          data={"email": "nobody@example.org", "password": "wrong password"})
    assert refused.status_code == 400  # and without the token it is refused


def test_development_cookie_keeps_its_plain_name(client):
    response = client.get("/login")
    assert response.headers["Set-Cookie"].startswith("session=")
    assert "Secure" not in response.headers["Set-Cookie"]
