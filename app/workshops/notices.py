"""What workshops send: invitations, confirmations (with the .ics), waiting-list news, reminders,
change and cancellation notices, thank-yous. Each is written in every language, in the parent's words."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from flask import current_app
from flask_babel import gettext as _

from app.config import LANGUAGES
from app.i18n import BABEL_LOCALES, in_language
from app.messaging.render import PERSONAL_LINK
from app.messaging.services import create_message, send_now
from app.workshops import calendar
from app.workshops.models import Workshop, WorkshopSession

# A feature that can send an evaluation survey registers a callable(workshop, contact_ids) -> FollowUp
# under this key in app.extensions (the surveys feature does). Absent: the thank-you has no survey link.
FOLLOWUP_SURVEY_KEY = "homelink_workshop_followup_survey"


@dataclass
class FollowUp:
    """An evaluation to send with the thank-you: each recipient gets their own personal link of
    `link_purpose` scoped to `scope_id`; `sent(message_id)` is told which message carried them."""

    link_purpose: str
    scope_id: int
    sent: Callable[[int], None]


def evaluation_available() -> bool:
    """True when a feature (surveys) can add an evaluation questionnaire to the thank-you."""
    return FOLLOWUP_SURVEY_KEY in current_app.extensions


def _span(start, end, language: str, zone: ZoneInfo) -> str:
    locale = BABEL_LOCALES.get(language, "en_GB")
    first = format_datetime(start, "EEEE d MMMM y, HH:mm", tzinfo=zone, locale=locale)
    return f"{first}–{format_time(end, 'HH:mm', tzinfo=zone, locale=locale)}"


def session_when(session: WorkshopSession, language: str) -> str:
    """One session's date and times in the language ('Session 2 of 6: …' when the course has several)."""
    workshop = session.workshop
    text = _span(session.starts_at, session.ends_at, language, ZoneInfo(calendar.zone_name(workshop.setting)))
    if len(workshop.sessions) == 1:
        return text
    return _("Session %(number)s of %(count)s: %(when)s", number=session.number, count=len(workshop.sessions),
             when=text)


def sessions_when(workshop: Workshop, language: str) -> list[str]:
    """Every session's date and times, in order, in the language (the call must be in that language)."""
    return [session_when(session, language) for session in workshop.sessions]


def when(workshop: Workshop, language: str) -> str:
    """'Tuesday 1 December 2026, 10:00–11:30' in the language and the setting's time zone: the only
    session, or the first one of a course ('Session 1 of 6: …'), for short texts."""
    return session_when(workshop.sessions[0], language)


def _details(workshop: Workshop, language: str, session: WorkshopSession | None = None) -> list[str]:
    """Title, when (every session, one per line, or just `session`), where, access, crèche."""
    text = workshop.text(language)
    dates = [session_when(session, language)] if session else sessions_when(workshop, language)
    lines = [text.title, "\n".join(dates)]
    if workshop.venue:
        lines.append(_("Where: %(venue)s", venue=workshop.venue))
    if workshop.access_notes:
        lines.append(_("Access: %(notes)s", notes=workshop.access_notes))
    if workshop.creche:
        lines.append(_("A crèche is offered for children while you take part."))
    return lines


def _versions(workshop: Workshop, subject, lines) -> dict[str, dict]:
    """{lang: version} for every language: `subject(title)` and `lines(lang)` render in that language."""
    versions = {}
    for language in LANGUAGES:
        with in_language(language):
            title = workshop.text(language).title
            body = "\n\n".join(part for part in lines(language) if part)
            sms = f"{subject(title)} {PERSONAL_LINK}" if PERSONAL_LINK in body else subject(title)
            versions[language] = {"subject": subject(title), "body_text": body, "sms_text": sms}
    return versions


def _send(workshop: Workshop, contact_ids: list[int], versions: dict, *, channels: str = "email",
          link: bool = True, attach: bool = False, category: str = "workshops",
          follow_up: FollowUp | None = None, extra: list[dict] | None = None) -> int | None:
    """The message to `contact_ids`: personal links are RSVP links (`link`) or the follow-up's."""
    if not contact_ids:
        return None
    purpose, scope = ("rsvp", workshop.id) if link else (None, None)
    if follow_up is not None:
        purpose, scope = follow_up.link_purpose, follow_up.scope_id
    message = create_message(
        workshop.setting, category=category, channels=channels, audience={"contacts": sorted(contact_ids)},
        audience_label=workshop.title[:200], versions=versions, link_purpose=purpose, link_scope_id=scope,
        attachments=([calendar.attachment(workshop, workshop.default_language)] if attach else []) + (extra or []))
    if follow_up is not None:
        follow_up.sent(message.id)
    return message.id


def start(message_id: int | None) -> None:
    """Commit and start sending (call after the request's work is done)."""
    from app.extensions import db

    db.session.commit()
    if message_id:
        send_now(message_id)


def invitation(workshop: Workshop, channels: str, audience: dict | None = None) -> int | None:
    """The invitation to the workshop's audience (or to `audience`), each with their own RSVP link."""
    def lines(lang):
        text = workshop.text(lang)
        out = [_("You are invited:"), *_details(workshop, lang), text.description]
        if workshop.rsvp_deadline:
            zone = ZoneInfo(calendar.zone_name(workshop.setting))
            deadline = format_datetime(workshop.rsvp_deadline, "EEEE d MMMM, HH:mm", tzinfo=zone,
                                       locale=BABEL_LOCALES.get(lang, "en_GB"))
            out.append(_("Please reply by %(date)s.", date=deadline))
        out.append(_("Please tell us if you can come, and what would help you take part: %(url)s",
                     url=PERSONAL_LINK))
        return out

    versions = _versions(workshop, lambda title: _("Invitation: %(title)s", title=title), lines)
    for language in LANGUAGES:
        with in_language(language):
            versions[language]["sms_text"] = _("Invitation: %(title)s, %(when)s. Please reply: %(url)s",
                                               title=workshop.text(language).title,
                                               when=when(workshop, language), url=PERSONAL_LINK)
    message = create_message(
        workshop.setting, category="workshops", channels=channels, audience=audience or workshop.audience,
        audience_label=workshop.title[:200], versions=versions, link_purpose="rsvp", link_scope_id=workshop.id)
    return message.id


def confirmation(workshop: Workshop, contact_ids: list[int], promoted: bool = False,
                 family: bool = False) -> int | None:
    """'Your place is booked' with the .ics attached (promoted: a place came free from the waiting list;
    family: told to the other contacts of a family whose answer another contact gave)."""
    def lines(lang):
        first = (_("Good news: a place has come free and it is yours.") if promoted
                 else _("A place is booked for your family.") if family
                 else _("Thank you. Your place is booked."))
        return [first, *_details(workshop, lang),
                _("The calendar file attached adds it to your phone or computer's calendar."),
                _("If your plans change, please tell us here: %(url)s", url=PERSONAL_LINK)]

    return _send(workshop, contact_ids, _versions(
        workshop, lambda title: _("Your place: %(title)s", title=title), lines), attach=True)


def waiting(workshop: Workshop, contact_ids: list[int]) -> int | None:
    """'The workshop is full: you are on the waiting list'."""
    def lines(lang):
        return [_("This workshop is full, so you are on the waiting list. We will tell you at once if a place comes free."),
                *_details(workshop, lang), _("You can change your answer here: %(url)s", url=PERSONAL_LINK)]

    return _send(workshop, contact_ids, _versions(
        workshop, lambda title: _("Waiting list: %(title)s", title=title), lines))


def reminder(workshop: Workshop, contact_ids: list[int], session: WorkshopSession | None = None) -> int | None:
    """The reminder before a session (the first when not given), to those who said yes or maybe."""
    session = session or workshop.sessions[0]

    def lines(lang):
        return [_("A reminder: we look forward to seeing you."), *_details(workshop, lang, session),
                _("If you cannot come after all, please tell us here: %(url)s", url=PERSONAL_LINK)]

    versions = _versions(workshop, lambda title: _("Reminder: %(title)s", title=title), lines)
    for language in LANGUAGES:
        with in_language(language):
            versions[language]["sms_text"] = _("Reminder: %(title)s, %(when)s. Can't come? %(url)s",
                                               title=workshop.text(language).title,
                                               when=session_when(session, language), url=PERSONAL_LINK)
    return _send(workshop, contact_ids, versions, channels="both")


def changed(workshop: Workshop, contact_ids: list[int], dropped: list[tuple] | None = None,
            session: WorkshopSession | None = None) -> int | None:
    """The workshop's sessions, times or place changed: the new details and an updated .ics (and, for
    sessions dropped from a course, (uid, start, end) each, a CANCEL .ics that removes them); the text
    message names `session` (the first one that moved), else the first session."""
    session = session or workshop.sessions[0]
    def lines(lang):
        return [_("The details of this workshop have changed. Here are the new details:"),
                *_details(workshop, lang),
                _("If you can no longer come, please tell us here: %(url)s", url=PERSONAL_LINK)]

    versions = _versions(workshop, lambda title: _("Changed: %(title)s", title=title), lines)
    for language in LANGUAGES:
        with in_language(language):
            versions[language]["sms_text"] = _("Changed: %(title)s is now %(when)s. Details: %(url)s",
                                               title=workshop.text(language).title,
                                               when=session_when(session, language), url=PERSONAL_LINK)
    extra = [calendar.dropped_attachment(workshop, dropped, workshop.default_language)] if dropped else None
    return _send(workshop, contact_ids, versions, channels="both", attach=True, extra=extra)


def cancelled(workshop: Workshop, contact_ids: list[int]) -> int | None:
    """The workshop is cancelled: a notice, and a .ics that takes it out of calendars."""
    def lines(lang):
        return [_("We are sorry: this workshop is cancelled."), *_details(workshop, lang)]

    versions = _versions(workshop, lambda title: _("Cancelled: %(title)s", title=title), lines)
    for language in LANGUAGES:
        with in_language(language):
            versions[language]["sms_text"] = _("Cancelled: %(title)s, %(when)s. We are sorry.",
                                               title=workshop.text(language).title, when=when(workshop, language))
    return _send(workshop, contact_ids, versions, channels="both", link=False, attach=True)


def thanks(workshop: Workshop, contact_ids: list[int], evaluation: bool = False) -> int | None:
    """Thank-you to those who came; with `evaluation`, each gets their own link to an evaluation
    questionnaire made by the feature registered under FOLLOWUP_SURVEY_KEY (when there is one)."""
    hook = current_app.extensions.get(FOLLOWUP_SURVEY_KEY) if evaluation and contact_ids else None
    follow_up = hook(workshop, contact_ids) if hook else None

    def lines(lang):
        out = [_("Thank you for coming to %(title)s.", title=workshop.text(lang).title)]
        if follow_up:
            out.append(_("Please tell us what you thought, so we can make the next one better: %(url)s",
                         url=PERSONAL_LINK))
        return out

    return _send(workshop, contact_ids, _versions(
        workshop, lambda title: _("Thank you: %(title)s", title=title), lines), link=False, follow_up=follow_up)
