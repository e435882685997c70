"""Family links: exchanged for a short session at a clean URL; expiring, revocable, tamper-proof."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.parents import links
from app.parents.models import LinkToken


def _family(make, **contact_kw):
    setting = make.setting()
    child = make.child(setting, first_name="Amira")
    contact = make.contact(setting, children=[child], first_name="Layla", **contact_kw)
    return setting, child, contact


def _issue(contact, **kw) -> str:
    token = links.issue_link(contact, **kw)
    db.session.commit()
    return token


def test_link_is_exchanged_for_a_session_at_a_clean_url(app, client, make):
    _, _, contact = _family(make)
    token = _issue(contact)

    response = client.get(f"/l/{token}")

    assert response.status_code == 302
    assert links.SESSION_KEY in _session(client, app)
    assert response.headers["Location"] == "/family"
    assert token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"

    page = client.get("/family")  # from the session alone
    assert page.status_code == 200
    assert "<h1>Hello, <bdi>Layla</bdi></h1>" in page.get_data(as_text=True)
    assert token not in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get("/family").status_code == 200  # and again


def test_token_is_unguessable_and_only_its_hash_is_stored(make):
    _, _, contact = _family(make)
    tokens = {_issue(contact) for _ in range(5)}
    assert len(tokens) == 5
    stored = db.session.scalars(select(LinkToken.token_hash)).all()
    for token in tokens:
        random_part, _, signature = token.partition(".")
        assert len(random_part) >= 22 and signature  # >= 128 bits of randomness, then the signature
        assert not any(random_part in h or token in h for h in stored)


def test_without_a_link_the_family_page_is_refused(client, make):
    _family(make)
    response = client.get("/family")
    assert response.status_code == 403
    assert "Please open your personal link again" in response.get_data(as_text=True)


def _session(client, app) -> dict:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def test_expired_link_shows_friendly_page_in_the_contacts_language(app, client, make, frozen_clock):
    _, _, contact = _family(make, language="pl")
    token = _issue(contact)
    frozen_clock.advance(days=61)

    response = client.get(f"/l/{token}", headers={"Accept-Language": "en-GB"})

    body = response.get_data(as_text=True)
    assert response.status_code == 410
    assert 'lang="pl"' in body
    assert "<h1>Ten link wygasł</h1>" in body  # "This link has expired", in Polish
    assert response.headers["Cache-Control"] == "no-store"
    assert links.SESSION_KEY not in _session(client, app)  # no parent session was started
    assert client.get("/family").status_code == 403
    assert db.session.scalars(select(LinkToken)).one().last_used_at is None  # nothing changed


def test_session_ends_with_the_link_and_after_a_short_time(client, make, frozen_clock):
    _, _, contact = _family(make)
    token = _issue(contact)
    client.get(f"/l/{token}")
    frozen_clock.advance(minutes=119)
    assert client.get("/family").status_code == 200
    frozen_clock.advance(minutes=2)
    assert client.get("/family").status_code == 403
    assert client.get(f"/l/{token}").status_code == 302  # the link itself still works

    short = _issue(contact, expires_at=frozen_clock.now + timedelta(minutes=5))
    client.get(f"/l/{short}")
    frozen_clock.advance(minutes=6)
    assert client.get("/family").status_code == 403  # never outlives its link


def test_tampered_or_unknown_token_is_a_friendly_404(client, make):
    _, _, contact = _family(make)
    token = _issue(contact)
    body, _, signature = token.partition(".")
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    for bad in (f"{flipped}.{signature}", f"{body}.{signature[:-2]}", body, "nonsense", "x" * 300,
                "Zażółć", f"{body}.{signature}/extra"):
        response = client.get(f"/l/{bad}")
        assert response.status_code == 404, bad
        assert "This link cannot be used" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/family").status_code == 403
    assert db.session.get(LinkToken, 1).last_used_at is None  # nothing changed


def test_a_validly_signed_token_that_was_never_issued_is_unknown(client, make, app):
    _family(make)
    body = "A" * 32
    forged = f"{body}.{links._signature(app.secret_key, body)}"
    assert client.get(f"/l/{forged}").status_code == 404


def test_token_signed_with_another_key_is_refused(client, make, app):
    _, _, contact = _family(make)
    token = _issue(contact)
    body = token.partition(".")[0]
    other = f"{body}.{links._signature('some other secret', body)}"
    assert client.get(f"/l/{other}").status_code == 404
    assert client.get(f"/l/{token}").status_code == 302


def test_links_survive_a_key_rotation_with_fallbacks(client, make, app):
    _, _, contact = _family(make)
    token = _issue(contact)
    old_key, old_fallbacks = app.secret_key, app.config["SECRET_KEY_FALLBACKS"]
    app.secret_key = "the new secret key"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    try:
        assert client.get(f"/l/{token}").status_code == 302
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert client.get(f"/l/{token}").status_code == 404
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = old_fallbacks


def test_revoke_all_refuses_old_links_and_ends_open_sessions(client, make):
    _, _, contact = _family(make, language="pl")
    token = _issue(contact)
    assert client.get(f"/l/{token}").status_code == 302
    links.revoke_all(contact)
    db.session.commit()

    assert client.get("/family").status_code == 403
    response = client.get(f"/l/{token}")
    assert response.status_code == 410
    assert "Tego linku nie można użyć" in response.get_data(as_text=True)  # in Polish
    new = _issue(contact)
    assert client.get(f"/l/{new}").status_code == 302


def test_revoking_one_link_leaves_the_others(client, make):
    _, _, contact = _family(make)
    first, second = _issue(contact), _issue(contact)
    links.revoke(db.session.scalars(select(LinkToken).order_by(LinkToken.id)).first())
    db.session.commit()
    assert client.get(f"/l/{first}").status_code == 410
    assert client.get(f"/l/{second}").status_code == 302


def test_restricted_contact_is_refused_even_with_a_current_session(client, make):
    _, _, contact = _family(make)
    token = _issue(contact)
    assert client.get(f"/l/{token}").status_code == 302
    contact.restricted = True
    db.session.commit()

    page = client.get("/family")
    assert page.status_code == 403
    assert "Layla" not in page.get_data(as_text=True)
    response = client.get(f"/l/{token}")
    assert response.status_code == 410
    assert "Amira" not in response.get_data(as_text=True)


def test_opening_a_link_ends_a_staff_login_in_that_browser(client, make, login_as):
    setting, _, contact = _family(make)
    login_as(make.user(setting))
    assert client.get("/children").status_code == 200
    token = _issue(contact)
    assert client.get(f"/l/{token}").status_code == 302
    assert client.get("/children").status_code == 302  # to the login page
    assert client.get("/family").status_code == 200


def test_leaving_ends_the_parent_session(client, make):
    _, _, contact = _family(make, language="ro")
    client.get(f"/l/{_issue(contact)}")
    response = client.post("/family/leave")
    assert response.status_code == 200
    assert 'lang="ro"' in response.get_data(as_text=True)
    assert client.get("/family").status_code == 403


def test_link_url_is_absolute_on_the_public_base_url(app, make):
    _, _, contact = _family(make)
    token = _issue(contact)
    assert links.link_url(token) == f"http://localhost/l/{token}"


def test_opening_a_link_is_recorded_but_the_token_is_not(client, make):
    _, _, contact = _family(make)
    token = _issue(contact)
    client.get(f"/l/{token}")
    link = db.session.scalars(select(LinkToken)).one()
    assert link.last_used_at is not None
    assert all(token not in str(e.detail) for e in db.session.scalars(select(AuditEntry)))
