"""Browser tests: the real app served on 127.0.0.1, driven by Debian's Chromium, checked with axe-core.

- `live_server` (session): the app with TestingConfig but CSRF ON (as in production), on a SQLite
  file in a tmp dir, served by werkzeug in a background thread on a free port. Create data with
  `with live_server.data() as make:` (the factories of tests/conftest.py; committed on exit).
  Tables are emptied and rate limits reset after each test.
- `browser_context` (session): one headless Chromium for the whole run (launch_persistent_context);
  nothing but 127.0.0.1/localhost resolves, so no page can reach the internet.
- `page` (per test): a fresh tab with no cookies; the test fails if the server raised an exception
  or the page threw a JavaScript error.
- When Chromium, Playwright or axe-core is missing the tests skip with the reason;
  REQUIRE_BROWSER=1 (CI) makes that a failure.

A browser test, in short:

    from tests.browser.support import assert_accessible

    def test_the_page(page, live_server):
        with live_server.data() as make:
            contact = make.contact(make.setting(), language="ur")
            url = link_url(issue_link(contact))
        page.goto(url)
        assert_accessible(page)                      # WCAG 2.2 A/AA rules of axe-core
        page.get_by_label(live_server.text("Mobile number", "ur")).fill("…")

Use `live_server.data()`, not the `app`/`make`/`client` fixtures: those run against the other
test databases (once per backend), which the live server does not read.
Run them alone with `pytest -m browser`; every test in this folder carries that marker.
"""
from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from app.config import TestingConfig, chromium_path, require_browser
from tests.browser.support import AXE_JS

HERE = Path(__file__).resolve().parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser carries the `browser` marker (select with -m browser)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so `page` can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _unavailable(reason: str):
    if require_browser():
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


class _QuietHandler(WSGIRequestHandler):
    """No access log lines in the test output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class LiveServer:
    """The running app: its URL, its database, and what went wrong inside it."""

    def __init__(self, app, server) -> None:
        self.app = app
        self.server = server
        self.base_url = f"http://127.0.0.1:{server.server_port}"
        self.errors: list[BaseException] = []

    def url(self, path: str = "/") -> str:
        """Absolute URL of a path on the live server."""
        return self.base_url + path

    @contextmanager
    def data(self):
        """`with live_server.data() as make:` — factories on the live database, committed on exit.

        A request context (not only an app context) so that url_for and link_url work inside.
        """
        from app.extensions import db
        from tests.conftest import Factory

        with self.app.test_request_context():
            yield Factory()
            db.session.commit()

    @contextmanager
    def context(self):
        """A request context on the live database (to read what a page saved, or issue links)."""
        with self.app.test_request_context():
            yield

    def text(self, message: str, language: str, **variables) -> str:
        """A parent-facing string as the app shows it in `language` (so tests follow the translations)."""
        from flask_babel import gettext

        from app.i18n import in_language

        with self.app.test_request_context(), in_language(language):
            return gettext(message, **variables)

    def reset(self) -> None:
        """Empty every table and forget rate-limit counters, ready for the next test."""
        from app import clock
        from app.extensions import db, limiter
        from tests.conftest import _empty_tables

        with self.app.app_context():
            db.session.rollback()
            _empty_tables()
            limiter.reset()
        clock.set_clock(None)
        self.errors.clear()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app served over real HTTP on 127.0.0.1 (CSRF on, SQLite file database)."""
    from flask import got_request_exception

    from app import create_app
    from app.extensions import db

    folder = tmp_path_factory.mktemp("live")
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.db'}",
                     INSTANCE_PATH=str(folder / "instance"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(app, server)
    app.config["PUBLIC_BASE_URL"] = live.base_url

    def remember(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(remember, app, weak=False)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """One headless Chromium for the whole test session."""
    executable = chromium_path()
    if not Path(executable).exists():
        _unavailable(f"Chromium not found at {executable} (apt-get install chromium)")
    if not AXE_JS.exists():
        _unavailable(f"axe-core not found at {AXE_JS} (run scripts/install-peers.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Python playwright is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=executable, headless=True,
            args=CHROMIUM_ARGS, locale="en-GB", timezone_id="Europe/London",  # the app's CSP applies
            viewport={"width": 1280, "height": 800},
        )
    except Exception as exc:  # noqa: BLE001 — any launch failure means "no usable browser here"
        playwright.stop()
        _unavailable(f"Chromium at {executable} did not start: {str(exc).splitlines()[0]}")
    context.set_default_timeout(10_000)
    yield context
    context.close()
    playwright.stop()


@pytest.fixture
def page(request, browser_context, live_server, tmp_path_factory):
    """A new tab with no cookies; fails the test on a server exception, a JavaScript error or
    anything the page's Content-Security-Policy refused.

    When the test fails, a full-page screenshot is saved and its path printed with the failure.
    """
    from app import tasks

    tasks.flask_app = live_server.app  # queue jobs started by the page run in the served app
    tab = browser_context.new_page()
    js_errors: list[str] = []
    tab.on("pageerror", lambda error: js_errors.append(str(error)))
    tab.on("console", lambda message: js_errors.append(message.text)
           if message.type == "error" and "Content Security Policy" in message.text else None)
    try:
        yield tab
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed and not tab.is_closed():
            name = re.sub(r"[^\w.-]+", "-", request.node.name)[:60]
            shot = tmp_path_factory.mktemp("failed") / f"{name}.png"
            tab.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the page when the test failed: {shot}")
    finally:
        tab.close()
        browser_context.clear_cookies()
        server_errors = list(live_server.errors)
        live_server.reset()
    if server_errors:
        pytest.fail("the server raised: " + "; ".join(repr(e) for e in server_errors), pytrace=False)
    if js_errors:
        pytest.fail("JavaScript errors or CSP refusals on the page: " + "; ".join(js_errors), pytrace=False)
