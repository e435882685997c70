"""Shared fixtures: one app per database backend, a client whose requests run in their own
context (as in production), and factories for settings, staff, rooms, children and contacts.

Every test runs on SQLite. When PostgreSQL is reachable (TEST_DATABASE_URL, by default the local
server) every test runs on it too, in a database made for this run; REQUIRE_POSTGRES=1 (CI) turns
an unreachable server into a failure instead of a skip.
"""
from __future__ import annotations

import contextvars
import os
import uuid
from datetime import date

import pytest
from flask.ctx import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestingConfig, require_postgres, test_database_url
from app.extensions import db

PASSWORD = "correct horse battery"


def _make_postgres_database() -> tuple[str | None, str]:
    """Create a database for this run; returns (url, reason when unavailable)."""
    base = make_url(test_database_url())
    name = f"homelink_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 — any failure means "no PostgreSQL here"
        return None, f"PostgreSQL not reachable at {base.render_as_string(hide_password=True)}: {exc.__class__.__name__}"
    return base.set(database=name).render_as_string(hide_password=False), ""


def _drop_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database=make_url(test_database_url()).database), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """The database of this run, per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url, reason = _make_postgres_database()
    if url is None:
        if require_postgres():
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    yield url
    _drop_postgres_database(url)


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (fresh `g`, fresh db session), as in production.

    The test's own session is committed before and expired after, so the test sees what the
    request wrote.
    """

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is not None:
            db.session.commit()
        response = contextvars.copy_context().run(self._open_isolated, *args, **kwargs)
        if _cv_app.get(None) is not None:
            db.session.expire_all()
        return response

    def _open_isolated(self, *args, **kwargs):
        _cv_app.set(None)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(_app):
    """The app, with an app context for the test's own database work; tables emptied after."""
    from app import clock, tasks
    from app.extensions import limiter
    from app.surveys import page, structure

    structure.forget()
    page.forget()
    saved = tasks.flask_app
    tasks.init_app(_app)  # queue jobs run in this app, whatever app was built since
    with _app.app_context():
        yield _app
        db.session.rollback()
        _empty_tables()
    tasks.flask_app = saved
    limiter.reset()
    clock.set_clock(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def frozen_clock():
    """Inject a clock the test moves by hand (starts at a fixed Monday morning, UTC)."""
    from datetime import datetime, timezone

    from app import clock

    fixed = clock.FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    clock.set_clock(fixed)
    yield fixed
    clock.set_clock(None)


class Factory:
    """Small builders for test data; every object is flushed so it has an id."""

    def __init__(self) -> None:
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def setting(self, name: str = "Acorn Nursery", **kw):
        from app.settings.models import Setting

        n = self._next()
        s = Setting(name=name, slug=kw.pop("slug", f"setting-{n}"), phone=kw.pop("phone", "01632 960000"),
                    email=kw.pop("email", "office@acorn.example"), **kw)
        db.session.add(s)
        db.session.flush()
        return s

    def user(self, setting, role: str = "manager", room=None, **kw):
        from app.auth.models import User

        n = self._next()
        u = User(setting_id=setting.id, email=kw.pop("email", f"staff{n}@example.org"),
                 name=kw.pop("name", f"Staff {n}"), role=role, room_id=room.id if room else None, **kw)
        u.set_password(PASSWORD)
        db.session.add(u)
        db.session.flush()
        return u

    def room(self, setting, name: str | None = None):
        from app.families.models import Room

        r = Room(setting_id=setting.id, name=name or f"Room {self._next()}")
        db.session.add(r)
        db.session.flush()
        return r

    def child(self, setting, room=None, key_person=None, **kw):
        from app.families.models import Child

        n = self._next()
        c = Child(setting_id=setting.id, first_name=kw.pop("first_name", f"Child{n}"),
                  last_name=kw.pop("last_name", "Test"), room_id=room.id if room else None,
                  key_person_id=key_person.id if key_person else None,
                  date_of_birth=kw.pop("date_of_birth", date(2023, 5, 1)), **kw)
        db.session.add(c)
        db.session.flush()
        return c

    def contact(self, setting, children=(), **kw):
        from app.families.models import ChildContact, Contact

        n = self._next()
        link_kw = {k: kw.pop(k) for k in ("parental_responsibility", "priority", "authorised_to_collect",
                                         "relationship_label") if k in kw}
        c = Contact(setting_id=setting.id, first_name=kw.pop("first_name", f"Parent{n}"),
                    last_name=kw.pop("last_name", "Test"),
                    email=kw.pop("email", f"parent{n}@example.org"),
                    mobile=kw.pop("mobile", f"+4477009{n:05d}"[:13]), **kw)
        db.session.add(c)
        db.session.flush()
        for child in children:
            db.session.add(ChildContact(child_id=child.id, contact_id=c.id, **link_kw))
        db.session.flush()
        return c


@pytest.fixture
def make(app):
    """Factories for test data (inside the test's app context)."""
    return Factory()


def login(client, user, password: str = PASSWORD):
    """Log a member of staff in through the real form."""
    return client.post("/login", data={"email": user.email, "password": password})


@pytest.fixture
def login_as(client):
    """Log the given staff member in; returns the client."""

    def _login(user):
        db.session.commit()
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Build the .mo files when a .po is newer (as `make test` does), so pages render translated."""
    from app.cli import TRANSLATIONS, compile_catalogs

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            compile_catalogs()
            break
