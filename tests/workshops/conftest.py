"""Workshop tests use the real SMTP sink of the messaging tests, and a small workshop builder."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.messaging.conftest import smtp  # noqa: F401  (fixture)


@pytest.fixture
def workshop_of(app, frozen_clock):
    """Build an invited workshop a week ahead: workshop_of(setting, capacity=…, rsvp_mode=…, …)."""
    from app.extensions import db
    from app.workshops.models import Workshop, WorkshopText

    def build(setting, **kw):
        start = kw.pop("starts_at", datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
        texts = kw.pop("texts", {"en": ("Messy play at home", "Ideas for messy play with everyday things."),
                                 "pl": ("Zabawa sensoryczna w domu", "Pomysły na zabawę z codziennymi rzeczami.")})
        w = Workshop(setting_id=setting.id, setting=setting, starts_at=start,
                     ends_at=kw.pop("ends_at", start + timedelta(hours=1, minutes=30)),
                     venue=kw.pop("venue", "Family room, Acorn Nursery"), audience=kw.pop("audience", {"all": True}),
                     invited_at=frozen_clock.now, default_language="en", **kw)
        w.texts = [WorkshopText(language=lang, title=t, description=d) for lang, (t, d) in texts.items()]
        db.session.add(w)
        db.session.flush()
        return w

    return build
