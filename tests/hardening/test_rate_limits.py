"""Rate limits: on the login, link and public-form endpoints, and shared between web processes through Redis."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest
import requests

from app import config
from app.config import ROOT, require_peers
from app.extensions import db
from app.parents import links
from tests.support.smtp import free_port


def test_login_is_limited_per_address(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.post("/login", data={"email": "a@example.org", "password": "wrong password"}).status_code
                 for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    assert codes == [200, 200, 200, 429]


@pytest.mark.parametrize("path", ["/l/{token}", "/unsubscribe/not-a-token", "/calendar/1-x.ics"])
def test_link_endpoints_are_limited_per_address(app, client, make, path):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting)])
    token = links.issue_link(contact)
    db.session.commit()
    app.config["LINK_RATE_LIMIT"] = "2 per minute"
    try:
        responses = [client.get(path.format(token=token)) for _ in range(3)]
    finally:
        app.config["LINK_RATE_LIMIT"] = "30 per minute"
    assert [r.status_code for r in responses][-1] == 429 and 429 not in [r.status_code for r in responses[:2]]
    assert "Too many attempts" in responses[-1].get_data(as_text=True)


def test_public_feedback_form_is_limited_per_address(client, make):
    setting = make.setting(slug="acorn")
    db.session.commit()
    form = {"feedback-kind": "suggestion", "feedback-body": "More outdoor play, please."}
    codes = [client.post("/feedback/acorn", data=form).status_code for _ in range(11)]
    assert codes[-1] == 429 and 429 not in codes[:10]


# --- shared between processes ------------------------------------------------------------------


@pytest.fixture
def redis_url():
    """The test Redis (TEST_REDIS_URL); skipped when unreachable, a failure when REQUIRE_PEERS=1."""
    import redis

    url = config.test_redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        reason = f"Redis not reachable at {url}: {exc.__class__.__name__}"
        if require_peers():
            pytest.fail(f"REQUIRE_PEERS=1 but {reason}")
        pytest.skip(reason)
    return url


class Workers:
    """Web processes serving the same app and database, as gunicorn's workers would."""

    def __init__(self, database_url: str, storage_uri: str, prefix: str) -> None:
        self.args = (database_url, storage_uri, prefix, "3 per minute")
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []

    def start(self, count: int) -> None:
        for _ in range(count):
            port = free_port()
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "tests.support.app_server", str(port), *self.args], cwd=ROOT,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            self.urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(self.urls, self.processes):
            self._wait(url, process)

    @staticmethod
    def _wait(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:])
            try:
                requests.get(url + "/static/style.css", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)  # waiting for a process to listen, not for a schedule
        raise TimeoutError(f"{url} did not start")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=10)


def _login_attempts(workers: Workers) -> list[int]:
    """Four wrong logins from one address, spread over the workers in turn."""
    form = {"email": "nobody@example.org", "password": "wrong password"}
    return [requests.post(workers.urls[i % len(workers.urls)] + "/login", data=form, timeout=10,
                          allow_redirects=False).status_code for i in range(4)]


@pytest.fixture
def database_file(app, database_url):
    """The test database, with its tables, for the worker processes (committed by the `app` fixture)."""
    db.session.commit()
    return database_url


def test_two_web_processes_share_the_login_limit_through_redis(database_file, redis_url):
    import redis

    prefix = f"homelink-test-{uuid.uuid4().hex[:8]}"
    workers = Workers(database_file, redis_url, prefix)
    try:
        workers.start(2)
        codes = _login_attempts(workers)
    finally:
        workers.stop()
        server = redis.Redis.from_url(redis_url)
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
    assert codes == [200, 200, 200, 429]  # the third try on one worker counted on the other


def test_with_memory_storage_each_process_counts_alone(database_file):
    """The contrast: without shared storage the fourth try, on the other worker, gets through."""
    workers = Workers(database_file, "memory://", "memory")
    try:
        workers.start(2)
        codes = _login_attempts(workers)
    finally:
        workers.stop()
    assert codes == [200, 200, 200, 200]
