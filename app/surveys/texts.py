"""Language versions of a survey's texts, and the fixed answer scales parents see in their language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.surveys.models import TEXT_APPROVED, Survey, SurveyText

LIKERT = [("sa", _l("Strongly agree")), ("a", _l("Agree")), ("n", _l("Neither agree nor disagree")),
          ("d", _l("Disagree")), ("sd", _l("Strongly disagree"))]
YESNO = [("yes", _l("Yes")), ("no", _l("No"))]
RATING = [str(n) for n in range(1, 6)]


def keys_of(survey: Survey) -> list[tuple[str, str]]:
    """Every translatable text of a survey as (key, English/default text), in reading order."""
    out = [("title", survey.title)]
    if survey.intro:
        out.append(("intro", survey.intro))
    for section in survey.sections:
        if section.title:
            out.append((f"s:{section.id}", section.title))
        for q in section.questions:
            out.append((f"q:{q.id}", q.text))
            if q.low_label:
                out.append((f"lo:{q.id}", q.low_label))
            if q.high_label:
                out.append((f"hi:{q.id}", q.high_label))
            out.extend((f"o:{o.id}", o.text) for o in q.options)
    return out


class Texts:
    """The texts of one survey in one language: approved versions, else the default language."""

    def __init__(self, survey, language: str, approved_only: bool = True, session=None) -> None:
        """`survey`: the Survey or its kept structure; `session`: where to read (the request's by default)."""
        from sqlalchemy import select

        from app.extensions import db

        self.language = language
        query = select(SurveyText.key, SurveyText.text).where(SurveyText.survey_id == survey.id,
                                                             SurveyText.language == language)
        if approved_only:
            query = query.where(SurveyText.status == TEXT_APPROVED)
        self.found = {key: text for key, text in (session or db.session).execute(query) if text}
        self.default = dict(keys_of(survey))

    def __call__(self, key: str) -> str:
        return self.found.get(key) or self.default.get(key, "")

    def lang_of(self, key: str) -> str | None:
        """The language attribute to put on a text shown in the fallback language (None when native)."""
        return None if key in self.found else "en"


def set_text(survey: Survey, key: str, language: str, text: str, status: str) -> SurveyText:
    """Create or update one language version of one text."""
    row = next((t for t in survey.texts if t.key == key and t.language == language), None)
    if row is None:
        row = SurveyText(survey_id=survey.id, key=key, language=language)
        survey.texts.append(row)
    row.text, row.status = text.strip(), status
    return row


def languages_ready(survey: Survey) -> dict[str, int]:
    """For each language with any version: how many texts are approved (of len(keys_of))."""
    counts: dict[str, int] = {}
    for t in survey.texts:
        counts.setdefault(t.language, 0)
        if t.status == TEXT_APPROVED and t.text:
            counts[t.language] += 1
    return counts
