"""The seeded world and one browser per role, shared by a whole test module (per backend)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.extensions import db
from tests.conftest import PASSWORD, Factory
from tests.security.harness import Browser, RolledBack
from tests.security.world import NOW, World, seed

ROLES = ("anon", "parent", "manager", "pico", "key_person", "practitioner", "manager_b")
STAFF_ROLES = ("manager", "pico", "key_person", "practitioner", "manager_b")


@dataclass
class Matrix:
    """What the matrix tests need: the app, the open transaction, the world and the browsers."""

    app: object
    tx: RolledBack
    world: World
    # role -> browser; "parent:<purpose>" for family A's link of each purpose; "parent_b" for
    # family B's family link.
    browsers: dict[str, Browser]

    def browser(self, role: str, purpose: str = "family") -> Browser:
        return self.browsers[f"parent:{purpose}" if role == "parent" else role]


def _signed_in(app, tx: RolledBack, method: str, path: str, data: dict | None = None) -> Browser:
    """A browser holding the session that one request (a login, a personal link) gave it."""
    browser = Browser(app)
    with tx.each():
        client = browser.client()
        response = client.open(path, method=method, data=data)
        assert response.status_code == 302, (path, response.status_code, response.get_data(as_text=True)[:300])
        return browser.capture(client)


@pytest.fixture(scope="module")
def matrix(_app):
    """Seed both settings once and sign every role in once; every request is rolled back after,
    and so is the seeding, when the module ends."""
    from app import clock, tasks
    from app.extensions import limiter
    from app.settings.models import Setting

    saved = tasks.flask_app
    tasks.init_app(_app)
    clock.set_clock(clock.FrozenClock(NOW))
    try:
        with RolledBack(_app) as tx:
            with _app.app_context():
                world = seed(Factory())
                db.session.remove()
            browsers = {"anon": Browser(_app)}
            for role in STAFF_ROLES:
                browsers[role] = _signed_in(_app, tx, "POST", "/login",
                                            {"email": world.staff[role], "password": PASSWORD})
            for purpose, token in world.tokens_a.items():
                browsers[f"parent:{purpose}"] = _signed_in(_app, tx, "GET", f"/l/{token}")
            browsers["parent_b"] = _signed_in(_app, tx, "GET", f"/l/{world.token_b}")
            world.ids["family_token"] = world.tokens_a["family"]
            yield Matrix(_app, tx, world, browsers)
        with _app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Setting)) == 0, "the seeding was not rolled back"
    finally:
        tasks.flask_app = saved
        limiter.reset()
        clock.set_clock(None)
