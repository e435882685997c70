"""Machinery of the authorisation matrix: every rule of the URL map, a URL for each from the seeded
world, a browser per role, one rolled-back transaction per request, and a snapshot of every table.

Each request runs inside a SAVEPOINT on one connection that the app's sessions join
(`join_transaction_mode="create_savepoint"`), so what a request commits is visible to the
snapshot taken after it and then rolled back: every request sees the same seeded database.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import event, func, select

from app.extensions import db, limiter

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
LOGIN = "login"  # a 302 to the staff login page (kept apart from any other redirect)


@dataclass(frozen=True)
class Route:
    """One rule of the URL map with one method."""

    method: str
    rule: str
    endpoint: str
    arguments: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule


def all_routes(app: Flask) -> list[Route]:
    """Every (rule, method) of the app except HEAD and OPTIONS, static included."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - SKIPPED_METHODS):
            found.append(Route(method, rule.rule, rule.endpoint, tuple(sorted(rule.arguments))))
    return sorted(found, key=lambda r: (r.rule, r.method))


# --- URL parameters ------------------------------------------------------------------------------

# A URL parameter name -> the key of the seeded object in World.ids (or a literal, in LITERALS).
BY_NAME = {
    "activity_id": "activity", "digest_id": "digest", "alert_id": "alert", "child_id": "child",
    "illness_id": "illness", "user_id": "user", "contact_id": "contact", "link_id": "link",
    "room_id": "room", "item_id": "feedback", "slug": "slug", "opportunity_id": "opportunity",
    "signup_id": "signup", "member_id": "member", "list_id": "list", "message_id": "message",
    "issue_id": "issue", "key": "upload_key", "filename": "upload_name", "survey_id": "survey",
    "question_id": "draft_question", "section_id": "draft_section", "public_key": "public_key",
    "workshop_id": "workshop", "poll_id": "poll", "slot_id": "poll_slot", "job_id": "export_job", "action_id": "action",
    "subject_id": "contact",
}
LITERALS = {"language": "en", "fmt": "csv", "number": 1, "kind": "contact"}
# Where one endpoint needs another object for a parameter name than BY_NAME gives.
BY_ENDPOINT = {
    "static": {"filename": "style.css"},
    "messaging.dev_outbox_item": {"item_id": "outbox_item"},
    "feedback.add_step": {"item_id": "complaint"},
    "feedback.outcome": {"item_id": "complaint"},
    "parents.open_link": {"token": "family_token"},
    "webhooks.unsubscribe": {"token": "unsubscribe_token"},
    "workshops.feed": {"token": "feed_token"},
    "auth.reset_password": {"token": "no-such-reset-token"},  # a used or unknown link: the page says so
    "surveys.translate": {"survey_id": "draft_survey", "language": "pl"},
    "activities.version": {"language": "pl"},
    "newsletters.version": {"issue_id": "draft_issue", "language": "pl"},
    # Editing a survey's structure needs a draft: a sent survey is locked.
    **{f"surveys.{name}": {"survey_id": "draft_survey"}
       for name in ("edit", "edit_question", "delete_question", "delete_section", "move_question",
                    "move_section", "rename_section")},
    # Composing works on an issue not sent yet.
    **{f"newsletters.{name}": {"issue_id": "draft_issue"}
       for name in ("settings", "upload", "translate", "test_send", "send")},
}


def url_for_route(app: Flask, route: Route, ids: dict) -> str:
    """The route's URL with its parameters filled from the seeded world's ids."""
    values = {}
    for name in route.arguments:
        choice = BY_ENDPOINT.get(route.endpoint, {}).get(name)
        if choice is None:
            choice = BY_NAME.get(name)
            if choice is None and name in LITERALS:
                values[name] = LITERALS[name]
                continue
        if choice in ids:
            values[name] = ids[choice]
        elif choice is not None and route.endpoint in BY_ENDPOINT:
            values[name] = choice  # a literal given for this endpoint ("pl", "style.css")
        else:
            raise KeyError(f"no seeded value for <{name}> of {route.endpoint} ({route.rule}): seed an object "
                           f"for it in tests/security/world.py (its id in World.ids) and map <{name}> to it "
                           f"in BY_NAME or BY_ENDPOINT in tests/security/harness.py")
    return app.url_map.bind("localhost").build(route.endpoint, values, method=route.method)


# --- one transaction, rolled back per request ----------------------------------------------------

class RolledBack:
    """Point the app's sessions at one connection; `each()` wraps a request in a savepoint."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __enter__(self) -> "RolledBack":
        engines = db._app_engines[self.app]
        self._engine = engines[None]
        self.connection = self._engine.connect()
        self._sqlite = self._engine.dialect.name == "sqlite"
        if self._sqlite:
            # pysqlite begins transactions on its own terms, and a SAVEPOINT released outside a
            # BEGIN commits; so take control and BEGIN ourselves (SQLAlchemy's documented recipe).
            self._raw = self.connection.connection.dbapi_connection
            self._isolation = self._raw.isolation_level
            self._raw.isolation_level = None
        self._outer = self.connection.begin()
        if self._sqlite:
            self.connection.exec_driver_sql("BEGIN")
        engines[None] = self.connection
        self._factory_kw = dict(db.session.session_factory.kw)
        db.session.session_factory.configure(join_transaction_mode="create_savepoint")
        return self

    def __exit__(self, *exc) -> None:
        db.session.session_factory.kw.clear()
        db.session.session_factory.kw.update(self._factory_kw)
        self._outer.rollback()
        if self._sqlite:
            self._raw.isolation_level = self._isolation
        self.connection.close()
        db._app_engines[self.app][None] = self._engine

    @contextlib.contextmanager
    def each(self):
        """One request's worth of changes, undone afterwards."""
        savepoint = self.connection.begin_nested()
        try:
            yield
        finally:
            savepoint.rollback()


class WriteWatch:
    """Counts the INSERT / UPDATE / DELETE statements sent on a connection (every session of the
    app uses it), so the expensive snapshot is only taken after a request that wrote something."""

    WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self, connection) -> None:
        self.writes = 0
        event.listen(connection, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ARG002
        if statement.lstrip()[:6].upper() in self.WRITES:
            self.writes += 1


_COUNTS_SQL: dict[str, str] = {}


def row_counts(connection) -> tuple[int, ...]:
    """The number of rows of every table, in one query (its SQL built once per dialect)."""
    dialect = connection.dialect
    if dialect.name not in _COUNTS_SQL:
        counts = [select(func.count()).select_from(t).scalar_subquery() for t in db.metadata.sorted_tables]
        _COUNTS_SQL[dialect.name] = str(select(*counts).compile(dialect=dialect))
    return tuple(connection.exec_driver_sql(_COUNTS_SQL[dialect.name]).one())


def snapshot(connection) -> dict[str, list]:
    """Every row of every table as stored (no decryption), sorted (to tell which table a write changed, and how)."""
    quote = connection.dialect.identifier_preparer.quote
    return {table.name: sorted(tuple(map(repr, row))
                               for row in connection.exec_driver_sql(f"SELECT * FROM {quote(table.name)}").all())
            for table in db.metadata.sorted_tables}


def changes(before: dict[str, list], after: dict[str, list]) -> list[str]:
    """Tables whose rows differ, with the count before and after."""
    out = []
    for name, rows in before.items():
        if rows != after[name]:
            out.append(f"{name} ({len(rows)} -> {len(after[name])} rows"
                       f"{'' if len(rows) != len(after[name]) else ', values changed'})")
    return out


# --- browsers --------------------------------------------------------------------------------------

class Browser:
    """A role's cookies, replayed on a fresh test client for each request (so a request that
    changes the session, such as opening a link, leaves the role as it was)."""

    def __init__(self, app: Flask, cookies: dict[str, str] | None = None) -> None:
        self.app = app
        self.cookies = cookies or {}

    def client(self):
        client = self.app.test_client()
        for name, value in self.cookies.items():
            client.set_cookie(name, value)
        return client

    def capture(self, client) -> "Browser":
        names = (self.app.config["SESSION_COOKIE_NAME"], "remember_token")
        self.cookies = {n: c.value for n in names if (c := client.get_cookie(n)) is not None}
        return self

    def open(self, method: str, url: str, **kw):
        """The response, or a Crash (status 500) when the view raised."""
        limiter.reset()
        try:
            return self.client().open(url, method=method, **kw)
        except Exception as exc:  # noqa: BLE001 — the matrix reports a crash, it does not stop at it
            return Crash(f"{exc.__class__.__name__}: {exc}")


@dataclass
class Crash:
    """What the matrix keeps of a view that raised (the test app propagates exceptions)."""

    error: str
    status_code: int = 500

    def get_data(self, as_text: bool = False) -> str:
        return self.error


def outcome(response) -> int | str:
    """The status, with a redirect to the staff login page told apart as LOGIN."""
    if response.status_code in (301, 302, 303, 307, 308):
        if urlsplit(response.headers.get("Location", "")).path == "/login":
            return LOGIN
    return response.status_code
