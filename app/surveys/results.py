"""Results: response rates, per-question counts, free text, filters that protect confidentiality, exports."""
from __future__ import annotations

import csv
import io
from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.families.models import Room
from app.surveys.models import CHOICE_KINDS, NAMED, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse
from app.surveys.texts import LIKERT, RATING, YESNO

MIN_GROUP = 5  # a filter is offered only when it would show at least this many responses


def rates(survey: Survey) -> dict[str, list[tuple[str, int, int]]]:
    """Invited and responded, overall and by room, language and channel: {group: [(label, invited, responded)]}."""
    out: dict[str, list[tuple[str, int, int]]] = {}
    rooms = {r.id: r.name for r in db.session.scalars(select(Room).where(Room.setting_id == survey.setting_id))}
    for name, column in (("room", SurveyInvitation.room_id), ("language", SurveyInvitation.language),
                         ("channel", SurveyInvitation.channel), ("overall", None)):
        cols = [column] if column is not None else []
        rows = db.session.execute(
            select(*cols, func.count(), func.sum(func.cast(SurveyInvitation.responded, db.Integer)))
            .where(SurveyInvitation.survey_id == survey.id).group_by(*cols)).all()
        group = []
        for row in rows:
            label = row[0] if cols else "all"
            if name == "room":
                label = rooms.get(label, "—")
            group.append((str(label), row[-2], int(row[-1] or 0)))
        out[name] = sorted(group)
    return out


def _responses(survey: Survey, room: int | None = None, language: str | None = None):
    query = select(SurveyResponse).where(SurveyResponse.survey_id == survey.id, SurveyResponse.submitted)
    if room:
        query = query.where(SurveyResponse.room_id == room)
    if language:
        query = query.where(SurveyResponse.language == language)
    return db.session.scalars(query.order_by(SurveyResponse.id)).all()


def filters(survey: Survey) -> dict[str, list[tuple[str, int]]]:
    """Room and language filters offered: only values with at least MIN_GROUP responses."""
    rooms = {r.id: r.name for r in db.session.scalars(select(Room).where(Room.setting_id == survey.setting_id))}
    out: dict[str, list[tuple[str, int]]] = {"room": [], "language": []}
    for name, column in (("room", SurveyResponse.room_id), ("language", SurveyResponse.language)):
        rows = db.session.execute(select(column, func.count()).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.submitted, column.is_not(None))
            .group_by(column)).all()
        for value, count in rows:
            if count >= MIN_GROUP:
                out[name].append((str(value), rooms.get(value, str(value)) if name == "room" else value))
    return out


def allowed_filter(survey: Survey, room: str | None, language: str | None) -> tuple[int | None, str | None]:
    """The requested filters, kept only when offered (fewer than MIN_GROUP would be shown otherwise)."""
    offered = filters(survey)
    room_id = int(room) if room and room.isdigit() and room in {v for v, _ in offered["room"]} else None
    lang = language if language in {v for v, _ in offered["language"]} else None
    if room_id and lang and len(_responses(survey, room_id, lang)) < MIN_GROUP:
        lang = None
    return room_id, lang


def _label(question, value: str) -> str:
    if question.kind == "likert":
        return str(dict(LIKERT).get(value, value))
    if question.kind == "yesno":
        return str(dict(YESNO).get(value, value))
    return value


def question_results(survey: Survey, room: int | None = None, language: str | None = None) -> list[dict]:
    """Per question: counts per choice (bars) or the free texts with their language, and the number answering."""
    responses = _responses(survey, room, language)
    ids = [r.id for r in responses]
    lang_of = {r.id: r.language for r in responses}
    answers = db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.response_id.in_(ids))).all() if ids else []
    by_question: dict[int, list[SurveyAnswer]] = {}
    for a in answers:
        by_question.setdefault(a.question_id, []).append(a)
    out = []
    for q in survey.questions:
        rows = by_question.get(q.id, [])
        item = {"question": q, "answered": len({a.response_id for a in rows}), "bars": [], "texts": []}
        if q.kind in CHOICE_KINDS:
            counts = Counter(a.option_id for a in rows)
            item["bars"] = [(o.text, counts.get(o.id, 0)) for o in q.options]
        elif q.kind in ("likert", "yesno", "rating"):
            counts = Counter(a.value for a in rows)
            codes = RATING if q.kind == "rating" else [c for c, _ in (LIKERT if q.kind == "likert" else YESNO)]
            item["bars"] = [(_label(q, c), counts.get(c, 0)) for c in codes]
        elif q.kind == "number":
            numbers = [float(a.value) for a in rows if a.value]
            item["texts"] = []
            item["average"] = (sum(numbers) / len(numbers)) if numbers else None
            item["bars"] = sorted(Counter(f"{n:g}" for n in numbers).items(), key=lambda kv: float(kv[0]))
        else:
            item["texts"] = sorted(((a.value or "", lang_of[a.response_id]) for a in rows if a.value),
                                   key=lambda t: t[0].lower())
        out.append(item)
    return out


def export_rows(survey: Survey) -> list[list[str]]:
    """One row per submitted response, one column per question (no identities in confidential mode;
    languages with fewer than MIN_GROUP responses shown as "other"). Rows are sorted by their
    answers, not by when they were given."""
    questions = survey.questions
    header = (["Name"] if survey.mode == NAMED else []) + ["Language"] + [q.text for q in questions]
    options = {o.id: o.text for q in questions for o in q.options}
    responses = _responses(survey)
    per_language = Counter(r.language for r in responses)
    rows = []
    for r in responses:
        values: dict[int, list[str]] = {}
        for a in r.answers:
            values.setdefault(a.question_id, []).append(options.get(a.option_id, "") if a.option_id
                                                        else _label(next(q for q in questions if q.id == a.question_id), a.value or ""))
        language = r.language
        if survey.mode != NAMED and per_language[language] < MIN_GROUP:
            language = "other"  # a rare language could point at one family
        row = [language] + ["; ".join(sorted(values.get(q.id, []))) for q in questions]
        if survey.mode == NAMED:
            row.insert(0, _name(r.contact_id))
        rows.append(row)
    return [header] + sorted(rows)


def _name(contact_id: int | None) -> str:
    from app.families.models import Contact

    contact = db.session.get(Contact, contact_id) if contact_id else None
    return f"{contact.first_name} {contact.last_name}" if contact else ""


def to_csv(rows: list[list[str]]) -> str:
    """CSV text; cells that a spreadsheet would run as a formula are made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([("'" + c) if c[:1] in ("=", "+", "-", "@") else c for c in map(str, row)])
    return buffer.getvalue()


def to_xlsx(rows: list[list[str]]) -> bytes:
    """An .xlsx workbook of the rows (text cells, so nothing is evaluated)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Responses"
    for row in rows:
        sheet.append([str(c) for c in row])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
