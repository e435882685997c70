"""A real worker process killed (SIGKILL) in the middle of a 1,000-recipient send, then restarted."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.messaging.models import Delivery
from app.messaging.services import counts, send_now
from app.messaging.sweep import sweep
from messaging_helpers import message

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")


def _wait(condition, what: str, timeout: float = 120) -> None:
    """Poll until another process has done something (not waiting for a time to pass)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _worker_processes(env) -> int:
    """Processes started for this test's worker (the worker and the urgent workers it forked)."""
    mark = f"HOMELINK_INSTANCE={env['HOMELINK_INSTANCE']}".encode()
    found = 0
    for proc in Path("/proc").iterdir():
        try:
            state = (proc / "stat").read_text().split(")")[-1].split()[0]
            found += state != "Z" and mark in (proc / "environ").read_bytes().split(b"\0")
        except (OSError, IndexError):
            continue
    return found


def _count(status: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == status))


@pytest.fixture
def worker_env(app, smtp, tmp_path):
    """The queue in a SQLite file shared by this test and real `flask worker` processes."""
    from huey.storage import SqliteStorage

    from app.tasks import QUEUES

    queue_file = tmp_path / "queue.db"
    saved = [(q.storage, q._immediate) for q in QUEUES]
    for q in QUEUES:
        q.storage, q._immediate = SqliteStorage(q.name, filename=str(queue_file)), False
    env = {**os.environ, "HOMELINK_ENV": "development", "HOMELINK_INSTANCE": str(tmp_path),
           "SECRET_KEY": app.config["SECRET_KEY"], "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "QUEUE_URL": f"sqlite:///{queue_file}", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port),
           "EMAIL_RATE": "100000 per second", "SEND_BATCH": "50", "PUBLIC_BASE_URL": "http://localhost"}
    yield env
    for q, (storage, immediate) in zip(QUEUES, saved):
        q.storage, q._immediate = storage, immediate


def _start(env, threads: int = 2):
    return subprocess.Popen([str(FLASK), "--app", "app", "worker", "--threads", str(threads)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_worker_restart_and_sweep_nobody_missed(app, make, smtp, worker_env, frozen_clock):
    setting = make.setting()
    child = make.child(setting)
    contacts = [make.contact(setting, children=[child], email=f"k{i}@example.org") for i in range(1000)]
    msg = message(setting)
    db.session.commit()
    send_now(msg.id)
    worker = _start(worker_env)
    try:
        _wait(lambda: len(smtp.store.raw) >= 300, "300 emails")
        assert _worker_processes(worker_env) >= 2  # the worker and its urgent worker process
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    _wait(lambda: _worker_processes(worker_env) == 0, "the urgent worker to end with its parent", timeout=10)
    in_flight = _count("sending")
    arrived_at_kill = len(smtp.store.raw)
    assert 300 <= arrived_at_kill < 1000
    from app.tasks import huey

    worker = _start(worker_env)  # restart: it sends what is still queued
    try:
        _wait(lambda: huey.pending_count() == 0, "the restarted worker to take every job")
    finally:
        worker.send_signal(signal.SIGINT)  # huey's graceful stop: running jobs finish first
        worker.wait(timeout=60)
    # Left now: the dead worker's claimed rows (in `sending`), and rows whose job it had taken from
    # the queue but not started (still `queued`, with no job). The sweep finds both.
    assert _count("sending") == in_flight
    lost = _count("queued")
    from datetime import datetime, timezone

    frozen_clock.now = datetime.now(timezone.utc) + timedelta(minutes=30)  # the workers use real time
    assert sweep() == {"flagged": in_flight, "requeued": in_flight + lost}
    worker = _start(worker_env)
    try:
        _wait(lambda: _count("sent") == 1000, "every row sent")
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    copies = [len(smtp.to(c.email)) for c in contacts]
    assert min(copies) == 1, "somebody was missed"
    assert sum(n - 1 for n in copies) <= in_flight
    assert counts(msg.id)["sent"] == 1000


def test_urgent_text_goes_out_while_every_bulk_worker_is_stuck_in_a_send(app, make, smtp, twilio, worker_env):
    """The urgent queue has its own worker: an alert never waits for a bulk batch to finish."""
    setting = make.setting()
    child = make.child(setting)
    for i in range(60):
        make.contact(setting, children=[child], email=f"b{i}@example.org", mobile=None, channels="email")
    parent = make.contact(setting, children=[child], email=None, mobile="+447700900301", channels="sms")
    news = message(setting)
    alert = message(setting, category="alert", urgency="urgent", channels="sms", audience={"contacts": [parent.id]},
                    versions={"en": {"subject": "Late", "body_text": "Not collected.", "sms_text": "Not collected."}})
    db.session.commit()
    env = {**worker_env, "TWILIO_ACCOUNT_SID": app.config["TWILIO_ACCOUNT_SID"],
           "TWILIO_AUTH_TOKEN": app.config["TWILIO_AUTH_TOKEN"], "TWILIO_FROM_NUMBER": "+447700900999",
           "TWILIO_API_BASE": twilio.url}
    smtp.store.held = True  # the mail server takes the message but does not answer: the send hangs
    send_now(news.id)
    worker = _start(env, threads=1)
    try:
        _wait(lambda: _count("sending") > 0, "the bulk worker to be stuck in its batch")
        send_now(alert.id)

        def alert_row():
            db.session.rollback()
            return db.session.scalar(select(Delivery).where(Delivery.message_id == alert.id))

        _wait(lambda: alert_row() is not None and alert_row().status == "sent", "the urgent text", timeout=60)
        assert alert_row().provider_id  # the Twilio mock accepted it and gave its SID
        assert smtp.store.raw == [] and _count("sending") > 0  # the bulk batch is still stuck
        smtp.store.held = False
        _wait(lambda: _count("queued") + _count("sending") == 0, "the newsletter to finish")
    finally:
        smtp.store.held = False
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=60)
    db.session.rollback()
    assert counts(news.id)["sent"] == 60
