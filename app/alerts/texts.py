"""The words parents receive, in their language: the standard texts and the manager's own wording."""
from __future__ import annotations

import string

from flask_babel import gettext as _

from app.config import LANGUAGES
from app.i18n import in_language

PLACEHOLDERS = ("child", "setting", "phone", "closing")


def standard_alert_text(language: str, values: dict) -> str:
    """The standard late-collection text in one language."""
    with in_language(language):
        return _("%(setting)s: %(child)s has not been collected. We close at %(closing)s. "
                 "Please call us now on %(phone)s, or reply to this text to say when you will arrive.",
                 **values)


def unknown_placeholders(template: str) -> list[str]:
    """Names in {braces} that are not one of PLACEHOLDERS (or a broken brace)."""
    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return ["{"]
    return [name for name in names if name not in PLACEHOLDERS]


def alert_text(templates: dict, language: str, values: dict) -> str:
    """The manager's wording in this language if written, else the standard text."""
    own = (templates or {}).get(language)
    if own and not unknown_placeholders(own):
        return own.format(**values)
    return standard_alert_text(language, values)


def alert_subject(language: str, child: str, setting: str) -> str:
    """Email subject of a late-collection alert."""
    with in_language(language):
        return _("Urgent: %(child)s has not been collected from %(setting)s", child=child, setting=setting)


def alert_versions(templates: dict, values: dict) -> dict[str, dict]:
    """One message version per language, email and SMS alike."""
    versions = {}
    for language in LANGUAGES:
        text = alert_text(templates, language, values)
        versions[language] = {"subject": alert_subject(language, values["child"], values["setting"]),
                              "body_text": text, "sms_text": text}
    return versions


def illness_versions(setting, illness, room_names: str) -> dict[str, dict]:
    """The illness notice in every language: which rooms, what to look for; no child is named."""
    versions = {}
    for language in LANGUAGES:
        name = (illness.names or {}).get(language) or illness.name
        look_for = (illness.guidance or {}).get(language) or (illness.guidance or {}).get(
            setting.default_language, "")
        with in_language(language):
            subject = _("Health notice from %(setting)s: %(illness)s", setting=setting.name, illness=name)
            lead = _("There has been a case of %(illness)s in %(rooms)s at %(setting)s. "
                     "Please look out for signs of it and keep your child at home if they are unwell.",
                     illness=name, rooms=room_names, setting=setting.name)
            call = _("Questions? Call us on %(phone)s.", phone=setting.phone or "-")
        body = "\n\n".join(p for p in (lead, look_for.strip(), call) if p)
        sms = f"{lead} {call}"
        versions[language] = {"subject": subject, "body_text": body, "sms_text": sms}
    return versions


def closure_versions(setting, texts: dict[str, str]) -> dict[str, dict]:
    """An urgent notice in every language: a translated heading, then the manager's words."""
    fallback = texts.get(setting.default_language) or next(iter(texts.values()))
    versions = {}
    for language in LANGUAGES:
        words = texts.get(language) or fallback
        with in_language(language):
            subject = _("Urgent notice from %(setting)s", setting=setting.name)
            lead = _("Urgent notice from %(setting)s:", setting=setting.name)
        versions[language] = {"subject": subject, "body_text": f"{lead}\n\n{words}",
                              "sms_text": f"{lead} {words}"}
    return versions
