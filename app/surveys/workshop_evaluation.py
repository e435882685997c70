"""The evaluation questionnaire sent with a workshop's thank-you: made from the "Workshop evaluation"
template, linked to the workshop, answered by each attendee through their own personal link."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from app.clock import utcnow
from app.extensions import db
from app.surveys.models import OPEN, TEXT_APPROVED
from app.surveys.services import PURPOSE, from_template
from app.surveys.texts import Texts, set_text
from app.workshops.notices import FOLLOWUP_SURVEY_KEY, FollowUp

OPEN_DAYS = 28  # attendees may answer for four weeks after the thank-you


def evaluation(workshop, contact_ids: list[int]) -> FollowUp:
    """Create and open the workshop's evaluation survey; the thank-you message is its invitation."""
    survey = from_template(workshop.setting, "workshop")
    survey.workshop_id = workshop.id
    default = workshop.setting.default_language or "en"
    survey.title = f"{survey.title}: {workshop.text(default).title}"[:200]
    for language in current_app.config["LANGUAGES"]:
        if language != default:
            title = Texts(survey, language)("title")
            set_text(survey, "title", language, f"{title}: {workshop.text(language).title}"[:200], TEXT_APPROVED)
    now = utcnow()
    survey.status, survey.sent_at, survey.channels = OPEN, now, "email"
    survey.audience = {"contacts": sorted(contact_ids)}
    survey.closes_at = now + timedelta(days=OPEN_DAYS)
    db.session.flush()

    def sent(message_id: int) -> None:
        survey.message_id = message_id
        db.session.flush()

    return FollowUp(link_purpose=PURPOSE, scope_id=survey.id, sent=sent)


def register(app) -> None:
    """Offer the evaluation questionnaire to the workshops' thank-you."""
    app.extensions[FOLLOWUP_SURVEY_KEY] = evaluation
