"""The APScheduler of the `scheduler` process (`flask scheduler`): never started in web workers.

Every job selects by state, so running one twice (or late) is harmless."""
from __future__ import annotations

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask


def _jobs() -> list[tuple[str, object, int]]:
    """(id, function, every N seconds) for each periodic job."""
    from app.alerts.escalation import escalate_due
    from app.feedback.complaints import send_reminders
    from app.involvement.services import send_volunteer_reminders
    from app.messaging.sweep import send_due, sweep
    from app.privacy.retention import run_nightly as retention
    from app.surveys.services import close_due, open_due, send_reminders as send_survey_reminders
    from app.workshops.services import send_due_reminders

    return [
        ("alerts", escalate_due, 15),  # late-collection escalation: the most urgent
        ("send_due", send_due, 30),
        ("sweep", sweep, 60),
        ("workshop_reminders", send_due_reminders, 300),
        ("volunteer_reminders", send_volunteer_reminders, 300),
        ("surveys_open_due", open_due, 60),  # invitations of surveys whose open date has come
        ("surveys_close_due", close_due, 60),
        ("surveys_reminders", send_survey_reminders, 900),
        ("complaint_reminders", send_reminders, 3600),  # days 14, 21 and 26
        ("retention", retention, 86400),  # data-protection retention, once a day
    ]


def build_scheduler(app: Flask) -> BlockingScheduler:  # noqa: ARG001  (jobs run in the app via job_context)
    """A blocking scheduler running every periodic job inside the app."""
    from app.tasks import job_context

    def in_app(func):
        def run():
            with job_context():
                func()

        run.__name__ = func.__name__
        return run

    scheduler = BlockingScheduler(timezone="UTC")
    for job_id, func, seconds in _jobs():
        scheduler.add_job(in_app(func), "interval", seconds=seconds, id=job_id, max_instances=1, coalesce=True)
    return scheduler
