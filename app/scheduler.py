"""The APScheduler of the `scheduler` process (`flask scheduler`): never started in web workers."""
from __future__ import annotations

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

SWEEP_SECONDS = 60
DUE_SECONDS = 30


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A blocking scheduler running the sweep and the due-message check inside the app."""
    from app.messaging.sweep import send_due, sweep
    from app.tasks import job_context

    def in_app(func):
        def run():
            with job_context():
                func()

        run.__name__ = func.__name__
        return run

    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(in_app(sweep), "interval", seconds=SWEEP_SECONDS, id="sweep",
                      max_instances=1, coalesce=True)
    scheduler.add_job(in_app(send_due), "interval", seconds=DUE_SECONDS, id="send_due",
                      max_instances=1, coalesce=True)
    from app.surveys.services import close_due, send_reminders

    scheduler.add_job(in_app(close_due), "interval", seconds=SWEEP_SECONDS, id="surveys_close_due",
                      max_instances=1, coalesce=True)
    scheduler.add_job(in_app(send_reminders), "interval", minutes=15, id="surveys_reminders",
                      max_instances=1, coalesce=True)
    return scheduler
