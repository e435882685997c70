"""The queue under trouble: SMTP down mid-send, a worker killed, retries, priorities, expiry, caps."""
from collections import Counter

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.messaging import dispatch
from app.messaging.channels.email import EmailChannel
from app.messaging.models import Delivery, Message
from app.messaging.services import counts, send_now
from app.messaging.sweep import send_due, sweep
from messaging_helpers import message


def _audience(make, n):
    setting = make.setting()
    child = make.child(setting)
    return setting, [make.contact(setting, children=[child]) for _ in range(n)]


def _copies(smtp, contacts):
    return Counter(len(smtp.to(c.email)) for c in contacts)


def test_smtp_stopped_mid_send_then_restarted_everyone_gets_exactly_one(app, make, smtp, queue, frozen_clock,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "SEND_BATCH", 5)
    setting, contacts = _audience(make, 20)
    msg = message(setting)
    send_now(msg.id)
    queue.run(limit=1)  # expansion
    queue.run(limit=2)  # two batches of five
    assert len(smtp.messages) == 10
    smtp.stop()
    queue.run()  # the other batches meet a refused connection
    retrying = db.session.scalars(select(Delivery).where(Delivery.status == "queued")).all()
    assert len(retrying) == 10
    assert all("could not be reached" in d.error and d.next_attempt_at > frozen_clock.now for d in retrying)
    smtp.start()
    frozen_clock.advance(hours=2)
    queue.run(include_scheduled=True)
    assert _copies(smtp, contacts) == {1: 20}
    assert counts(msg.id)["sent"] == 20
    assert db.session.get(Message, msg.id).status == "done"


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the worker catches it."""


def test_worker_killed_mid_send_nobody_missed_duplicates_bounded(app, make, smtp, queue, frozen_clock,
                                                                 monkeypatch):
    monkeypatch.setitem(app.config, "SEND_BATCH", 50)
    setting, contacts = _audience(make, 200)  # the 1,000-recipient run with a real SIGKILL: test_worker_process
    msg = message(setting)
    send_now(msg.id)
    queue.run(limit=1)  # expansion: 4 jobs of 50
    real_send, sent = EmailChannel.send, []

    def send_then_die(self, envelope):
        result = real_send(self, envelope)
        sent.append(envelope.to)
        if len(sent) == 87:
            raise WorkerKilled  # the message went out, the row still says "sending"
        return result

    monkeypatch.setattr(EmailChannel, "send", send_then_die)
    with pytest.raises(WorkerKilled):
        queue.run()
    monkeypatch.setattr(EmailChannel, "send", real_send)
    db.session.rollback()
    # Restart: the dead worker's job is gone; the others are still queued.
    queue.run()
    frozen_clock.advance(minutes=30)
    result = sweep()
    assert result["flagged"] >= 1  # the dead worker's claimed rows, one of them already sent
    queue.run()
    copies = _copies(smtp, contacts)
    assert copies[0] == 0
    assert sum(n - 1 for c in contacts for n in [len(smtp.to(c.email))] if n > 1) <= 1
    assert counts(msg.id)["sent"] == 200
    assert {d.status for d in db.session.scalars(select(Delivery).where(Delivery.stuck.is_(True)))} == {"sent"}


def test_transient_failures_give_up_after_max_attempts(app, make, smtp, queue, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "SEND_MAX_ATTEMPTS", 3)
    setting, (c,) = _audience(make, 1)
    smtp.store.refuse[c.email] = "451 Try again later"
    msg = message(setting)
    send_now(msg.id)
    for _ in range(4):
        queue.run(include_scheduled=True)
        frozen_clock.advance(hours=2)
    row = db.session.scalar(select(Delivery))
    assert (row.status, row.reason, row.attempts) == ("failed", "gave_up", 3)
    assert "451" in row.error


def test_backoff_is_exponential_capped_and_jittered(app, monkeypatch):
    monkeypatch.setitem(app.config, "RETRY_BASE_SECONDS", 30)
    monkeypatch.setitem(app.config, "RETRY_CAP_SECONDS", 600)
    for attempts, top in ((1, 30), (2, 60), (3, 120), (6, 600), (12, 600)):
        values = {dispatch.backoff_seconds(attempts) for _ in range(20)}
        assert all(top / 2 <= v <= top for v in values)
        assert len(values) > 1


def test_urgent_jobs_run_before_bulk(app, make, smtp, queue):
    setting, contacts = _audience(make, 3)
    bulk = message(setting)
    alert = message(setting, category="alert", urgency="urgent",
                    versions={"en": {"subject": "Nursery closed today", "body_text": "Burst pipe."}})
    send_now(bulk.id)
    queue.run(limit=1)
    send_now(alert.id)
    queue.run(limit=1)
    queue.run()
    first = [m["Subject"] for m in smtp.messages]
    assert first[:3] == ["Nursery closed today"] * 3


def test_urgent_message_not_sent_in_time_expires(app, make, smtp, queue, frozen_clock):
    setting, (c,) = _audience(make, 1)
    alert = message(setting, category="alert", urgency="urgent")
    send_now(alert.id)
    queue.run(limit=1)
    frozen_clock.advance(minutes=app.config["URGENT_VALID_MINUTES"] + 1)
    queue.run()
    row = db.session.scalar(select(Delivery))
    assert (row.status, row.reason) == ("expired", "expired")
    assert smtp.messages == []
    assert counts(alert.id)["failed"] == 1


def test_rate_cap_defers_the_rest_of_a_batch(app, make, smtp, queue, monkeypatch):
    dispatch._limiters.clear()  # a fresh memory storage for the cap
    monkeypatch.setitem(app.config, "EMAIL_RATE", "3 per hour")
    setting, contacts = _audience(make, 5)
    send_now(message(setting).id)
    queue.run()
    assert len(smtp.messages) == 3
    assert counts(db.session.scalar(select(Message.id)))["pending"] == 2
    assert queue.huey.scheduled_count() == 1  # the rest waits, claimed by nobody


def test_two_workers_claiming_one_row_send_once(app, make, smtp, queue):
    setting, (c,) = _audience(make, 1)
    msg = message(setting)
    send_now(msg.id)
    queue.run(limit=1)
    row_id = db.session.scalar(select(Delivery.id))
    from app.tasks import job_context

    with job_context():
        first = dispatch.claim([row_id])
    with job_context():
        second = dispatch.claim([row_id])
    assert (first, second) == ([row_id], [])
    db.session.execute(update(Delivery).values(status="queued"))  # as if the first had not sent yet
    db.session.commit()
    dispatch.enqueue([row_id])
    dispatch.enqueue([row_id])
    queue.run()
    assert len(smtp.to(c.email)) == 1


def test_scheduled_message_is_sent_once_when_due(app, make, smtp, queue, frozen_clock):
    from datetime import timedelta

    setting, (c,) = _audience(make, 1)
    msg = message(setting, scheduled_at=frozen_clock.now + timedelta(hours=1))
    db.session.commit()
    assert send_due() == []
    frozen_clock.advance(hours=1)
    assert send_due() == [msg.id]
    assert send_due() == []  # a second scheduler finds nothing left to claim
    queue.run()
    assert len(smtp.to(c.email)) == 1


def test_sweep_reenqueues_rows_whose_job_was_lost(app, make, smtp, queue, frozen_clock):
    setting, contacts = _audience(make, 4)
    send_now(message(setting).id)
    queue.run(limit=1)
    queue.huey.flush()  # the queue lost its jobs (e.g. a Redis restart)
    assert sweep()["requeued"] == 0  # not yet overdue
    frozen_clock.advance(minutes=app.config["SWEEP_QUEUED_MINUTES"] + 1)
    assert sweep()["requeued"] == 4
    queue.run()
    assert _copies(smtp, contacts) == {1: 4}


def test_a_bug_while_rendering_fails_the_row_instead_of_leaving_it_stuck(app, make, smtp, monkeypatch):
    from app.messaging import render as render_module

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(render_module, "render", broken)
    setting, (c,) = _audience(make, 1)
    msg = message(setting)
    send_now(msg.id)
    row = db.session.scalar(select(Delivery))
    assert (row.status, row.reason) == ("failed", "error")
    assert "could not prepare" in row.error
    assert db.session.get(Message, msg.id).status == "done"


def test_a_row_stuck_in_sending_too_often_is_given_up(app, make, smtp, queue, frozen_clock):
    setting, (c,) = _audience(make, 1)
    send_now(message(setting).id)
    queue.run(limit=1)
    db.session.execute(update(Delivery).values(status="sending", claimed_at=frozen_clock.now,
                                               attempts=app.config["SEND_MAX_ATTEMPTS"]))
    db.session.commit()
    frozen_clock.advance(minutes=app.config["SWEEP_SENDING_MINUTES"] + 1)
    sweep()
    row = db.session.scalar(select(Delivery))
    assert (row.status, row.reason, row.stuck) == ("failed", "gave_up", True)
