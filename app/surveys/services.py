"""Use-cases of questionnaires: build, translate, open, invite, remind, close."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.families.models import Child, ChildContact, Contact
from app.messaging import audience_form
from app.messaging.models import Delivery
from app.messaging.render import PERSONAL_LINK
from app.messaging.services import create_message, send_now
from app.surveys.models import (CLOSED, DRAFT, KINDS, OPEN, SCHEDULED, TEXT_APPROVED, TEXT_REVIEW, Survey, SurveyInvitation,
                                SurveyOption, SurveyQuestion, SurveySection)
from app.surveys.templates_library import LIBRARY
from app.surveys.texts import keys_of, set_text

PURPOSE = "survey"


def create_survey(setting, title: str, intro: str = "", mode: str = "confidential") -> Survey:
    """A new, empty draft survey."""
    survey = Survey(setting_id=setting.id, title=title.strip(), intro=intro.strip(), mode=mode)
    db.session.add(survey)
    db.session.flush()
    return survey


def add_section(survey: Survey, title: str = "") -> SurveySection:
    """Append a section (one screen for parents)."""
    section = SurveySection(survey_id=survey.id, title=title.strip(), position=len(survey.sections))
    survey.sections.append(section)
    db.session.flush()
    return section


def add_question(section: SurveySection, kind: str, text: str, required: bool = False,
                 options: list[str] | None = None, low: str = "", high: str = "",
                 min_value: float | None = None, max_value: float | None = None,
                 show_if: tuple[SurveyQuestion, str] | None = None) -> SurveyQuestion:
    """Append a question to a section (options for choice questions, labels for ratings)."""
    if kind not in KINDS:
        raise ValueError(f"unknown question type {kind!r}")
    survey = section.survey
    question = SurveyQuestion(survey_id=survey.id, section_id=section.id, kind=kind, text=text.strip(),
                              required=required, low_label=low, high_label=high, min_value=min_value,
                              max_value=max_value, position=len(survey.questions))
    if show_if:
        question.show_if_question_id, question.show_if_value = show_if[0].id, show_if[1]
    question.options = [SurveyOption(text=o.strip(), position=i) for i, o in enumerate(options or []) if o.strip()]
    survey.questions.append(question)
    section.questions.append(question)
    db.session.flush()
    return question


def from_template(setting, name: str) -> Survey:
    """A draft survey made from a ready-made template, with approved versions in every language."""
    spec = LIBRARY[name]
    default = setting.default_language or "en"
    with force_locale("en_GB"):
        survey = create_survey(setting, str(spec["title"]), str(spec["intro"]))
        made: list[SurveyQuestion] = []
        lazy: dict[str, object] = {"title": spec["title"], "intro": spec["intro"]}
        for title, questions in spec["sections"]:
            section = add_section(survey, str(title))
            lazy[f"s:{section.id}"] = title
            for kind, text, required, extra, show_if in questions:
                labels = extra if kind == "rating" else (None, None)
                options = extra if kind in ("single", "multiple") else None
                q = add_question(section, kind, str(text), required, [str(o) for o in options or []],
                                 low=str(labels[0] or ""), high=str(labels[1] or ""),
                                 show_if=(made[show_if[0]], show_if[1]) if show_if else None)
                made.append(q)
                lazy[f"q:{q.id}"] = text
                if labels[0]:
                    lazy[f"lo:{q.id}"], lazy[f"hi:{q.id}"] = labels
                for option, source in zip(q.options, options or []):
                    lazy[f"o:{option.id}"] = source
    for language in current_app.config["LANGUAGES"]:
        if language == default:
            continue
        with force_locale(language):
            for key, source in lazy.items():
                set_text(survey, key, language, str(source), TEXT_APPROVED)
    db.session.flush()
    return survey


def mark_changed(survey: Survey, key: str, new_text: str) -> None:
    """When a default-language text changes, its approved translations go back to 'needs review'."""
    if dict(keys_of(survey)).get(key, "") != new_text.strip():
        for t in survey.texts:
            if t.key == key and t.status == TEXT_APPROVED:
                t.status = TEXT_REVIEW


def missing_translations(survey: Survey, language: str) -> list[str]:
    """Keys with no approved version in `language` (the page then falls back to the default)."""
    approved = {t.key for t in survey.texts if t.language == language and t.status == TEXT_APPROVED and t.text}
    return [key for key, _text in keys_of(survey) if key not in approved]


def is_open(survey: Survey) -> bool:
    """Parents may answer now (open, and between its dates)."""
    now = utcnow()
    return (survey.status == OPEN and (survey.opens_at is None or survey.opens_at <= now)
            and (survey.closes_at is None or now < survey.closes_at))


def close_due() -> int:
    """Scheduler job: mark open surveys whose close date has passed as closed."""
    due = db.session.scalars(select(Survey).where(Survey.status == OPEN, Survey.closes_at <= utcnow())).all()
    for survey in due:
        survey.status = CLOSED
    db.session.commit()
    return len(due)


def enable_public_link(survey: Survey) -> str:
    """Give the survey an anonymous link (for a notice board or QR code)."""
    if not survey.public_key:
        survey.public_key = secrets.token_urlsafe(18)
        db.session.flush()
    return survey.public_key


def _versions(survey: Survey, reminder: bool) -> dict[str, dict]:
    """The invitation (or reminder) text in every language the survey is ready in."""
    from app.surveys.texts import Texts

    out = {}
    default = survey.setting.default_language or "en"
    languages = [default] + [lang for lang in current_app.config["LANGUAGES"]
                             if lang != default and not missing_translations(survey, lang)]
    from flask_babel import gettext as _

    for language in languages:
        title = Texts(survey, language)("title")
        with force_locale("en_GB" if language == "en" else language):
            if reminder:
                subject = _("Reminder: %(title)s", title=title)
                lead = _("We have not had your answers yet. It only takes a few minutes.")
            else:
                subject = title
                lead = _("Please tell us what you think.")
            privacy = (_("Your answers are confidential: nobody can see which answers are yours.")
                       if survey.confidential else _("Your name will be shown with your answers."))
            body = f"{lead}\n\n{privacy}\n\n{_('Answer here: %(url)s', url=PERSONAL_LINK)}"
            sms = f"{title}: {_('Answer here: %(url)s', url=PERSONAL_LINK)}"
        out[language] = {"subject": subject, "body_text": body, "sms_text": sms}
    return out


def schedule_or_open(survey: Survey, user=None, now: bool = False) -> bool:
    """The PICO's 'send': with an open date still to come (and not `now`), wait for it and let the
    scheduler send then; otherwise open and send at once. True when the invitations went out now."""
    if not now and survey.opens_at is not None and survey.opens_at > utcnow():
        survey.status = SCHEDULED
        record(survey.setting_id, "survey.scheduled", survey, actor=user, opens_at=survey.opens_at.isoformat())
        db.session.commit()
        return False
    if survey.opens_at is not None and survey.opens_at > utcnow():
        survey.opens_at = utcnow()  # 'open now' brings the open date forward
    open_and_invite(survey, user)
    return True


def unschedule(survey: Survey) -> bool:
    """Back to draft before the open date (nothing has been sent)."""
    changed = db.session.execute(update(Survey).where(Survey.id == survey.id, Survey.status == SCHEDULED)
                                 .values(status=DRAFT).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    db.session.refresh(survey)
    return changed == 1


def open_due() -> int:
    """Scheduler job: open every scheduled survey whose open date has come and send its invitations.
    Each survey is claimed atomically (scheduled → open), so its invitations go out at most once."""
    due = db.session.scalars(select(Survey.id).where(
        Survey.status == SCHEDULED, or_(Survey.opens_at.is_(None), Survey.opens_at <= utcnow()))
                             .order_by(Survey.opens_at)).all()
    opened = 0
    for survey_id in due:
        claimed = db.session.execute(update(Survey).where(Survey.id == survey_id, Survey.status == SCHEDULED)
                                     .values(status=OPEN).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        open_and_invite(db.session.get(Survey, survey_id, populate_existing=True))
        opened += 1
    return opened


def open_and_invite(survey: Survey, user=None) -> int:
    """Open the survey and send the invitations to its audience now; returns the message id.
    Reminders count from `sent_at`, the moment the invitations actually went out."""
    now = utcnow()
    survey.status = OPEN
    survey.sent_at = now
    message = create_message(survey.setting, category="surveys", channels=survey.channels,
                             audience=audience_form.to_outbox(survey.audience), versions=_versions(survey, False),
                             audience_label=survey.title, created_by=user, link_purpose=PURPOSE,
                             link_scope_id=survey.id, expires_at=survey.closes_at)
    survey.message_id = message.id
    db.session.commit()
    send_now(message.id)
    record_invitations(survey, message.id)
    return message.id


def record_invitations(survey: Survey, message_id: int) -> int:
    """One invitation row per contact the invitation message was delivered (or queued) to, with the
    contact's own language (for response rates by language, whatever version they were sent)."""
    rows = db.session.execute(
        select(Delivery.contact_id, Delivery.channel, Contact.language)
        .join(Contact, Contact.id == Delivery.contact_id).where(Delivery.message_id == message_id, Delivery.status != "suppressed")
        .order_by(Delivery.contact_id)).all()
    existing = set(db.session.scalars(select(SurveyInvitation.contact_id)
                                      .where(SurveyInvitation.survey_id == survey.id)))
    made: dict[int, SurveyInvitation] = {}
    for contact_id, channel, language in rows:
        if contact_id in existing:
            continue
        if contact_id in made:
            made[contact_id].channel = "both"
            continue
        room_id = db.session.scalar(select(Child.room_id).join(ChildContact, ChildContact.child_id == Child.id)
                                    .where(ChildContact.contact_id == contact_id).order_by(Child.id).limit(1))
        made[contact_id] = SurveyInvitation(setting_id=survey.setting_id, survey_id=survey.id,
                                            contact_id=contact_id, channel=channel, language=language,
                                            room_id=room_id, invited_at=utcnow())
        db.session.add(made[contact_id])
    db.session.commit()
    return len(made)


def send_reminders() -> int:
    """Scheduler job: remind non-respondents of open surveys on each reminder day; safe to re-run."""
    sent = 0
    for survey in db.session.scalars(select(Survey).where(Survey.status == OPEN)).all():
        if not is_open(survey) or survey.sent_at is None:
            continue
        if survey.message_id:
            record_invitations(survey, survey.message_id)  # the worker may have expanded it since
        days = survey.reminder_list()
        elapsed = utcnow() - survey.sent_at
        due_round = sum(1 for d in days if elapsed >= timedelta(days=d))
        pending = db.session.scalars(select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.responded.is_(False),
            SurveyInvitation.reminders_sent < due_round)).all()
        if not pending:
            continue
        for channel in ("email", "sms", "both"):
            group = [inv for inv in pending if inv.channel == channel]
            if not group:
                continue
            message = create_message(survey.setting, category="surveys", channels=channel,
                                     audience={"contacts": [inv.contact_id for inv in group]},
                                     versions=_versions(survey, True), audience_label=survey.title,
                                     link_purpose=PURPOSE, link_scope_id=survey.id, expires_at=survey.closes_at)
            for inv in group:
                inv.reminders_sent = due_round
            db.session.commit()
            send_now(message.id)
            sent += len(group)
    return sent


def survey_url(survey: Survey) -> str:
    """Where a family-page session answers this survey."""
    return url_for("surveys.start", survey_id=survey.id)

