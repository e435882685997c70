"""Fixtures for messaging: a real SMTP server wired into the app, a queue run by hand."""
from __future__ import annotations

import pytest

from app.config import require_peers

from tests.support.smtp import SmtpSink


@pytest.fixture
def smtp(app):
    """An aiosmtpd server; the app's email channel sends to it for this test."""
    sink = SmtpSink()
    sink.start()
    state = app.extensions["mail"]
    saved = (app.config.get("MAIL_SERVER"), app.config.get("MAIL_PORT"), state.server, state.port, state.suppress)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
    state.server, state.port, state.suppress = "127.0.0.1", sink.port, False
    yield sink
    sink.stop()
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved[0], saved[1]
    state.server, state.port, state.suppress = saved[2], saved[3], saved[4]


class ManualQueue:
    """The real huey queues, not immediate: jobs wait until the test runs them, as a worker would.

    The urgent queue has workers of its own, which never wait behind bulk work: here its jobs run
    first whenever there are any."""

    def __init__(self, huey, urgent) -> None:
        self.huey, self.urgent = huey, urgent

    def pending(self) -> int:
        return self.huey.pending_count() + self.urgent.pending_count()

    def run(self, limit: int | None = None, include_scheduled: bool = False) -> int:
        """Run queued jobs (first moving scheduled retries, if asked, to the queue); returns count."""
        from datetime import datetime, timedelta

        done = 0
        if include_scheduled:
            for queue in (self.urgent, self.huey):
                for task in queue.read_schedule(datetime.utcnow() + timedelta(days=365)):
                    task.eta = None
                    queue.enqueue(task)
        while limit is None or done < limit:
            queue, task = self.urgent, self.urgent.dequeue()
            if task is None:
                queue, task = self.huey, self.huey.dequeue()
            if task is None:
                break
            queue.execute(task)
            done += 1
        return done


@pytest.fixture
def queue(app):
    """Switch both queues out of immediate mode for this test; jobs run when the test says."""
    from huey.storage import MemoryStorage

    from app.tasks import QUEUES, huey, urgent_huey

    saved = [(q.storage, q._immediate) for q in QUEUES]
    for q in QUEUES:
        q.storage, q._immediate = MemoryStorage(q.name), False
    yield ManualQueue(huey, urgent_huey)
    for q, (storage, immediate) in zip(QUEUES, saved):
        q.storage, q._immediate = storage, immediate


@pytest.fixture(scope="session")
def prism_server():
    """One Prism mock of Twilio's API for the whole run (skips when Prism or the spec is missing)."""
    from tests.support.prism import PRISM, Prism, twilio_spec

    spec = twilio_spec()
    if not PRISM.exists() or spec is None:
        reason = "Prism not installed (scripts/install-peers.sh)" if spec else "twilio_api_v2010.json not found"
        if require_peers():
            pytest.fail(reason)
        pytest.skip(reason)
    server = Prism()
    server.start(spec)
    yield server
    server.stop()


ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-0123456789"


@pytest.fixture
def twilio(app, prism_server):
    """Point the SMS channel (the official twilio client) at Prism for this test."""
    keys = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "TWILIO_API_BASE",
            "TWILIO_MESSAGING_SERVICE_SID")
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                      TWILIO_FROM_NUMBER="+447700900999", TWILIO_API_BASE=prism_server.url,
                      TWILIO_MESSAGING_SERVICE_SID=None)
    yield prism_server
    app.config.update(saved)


@pytest.fixture
def twilio_token(app):
    """Sign webhooks with this auth token (no Prism needed)."""
    saved = app.config.get("TWILIO_AUTH_TOKEN")
    app.config["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN
    yield AUTH_TOKEN
    app.config["TWILIO_AUTH_TOKEN"] = saved
