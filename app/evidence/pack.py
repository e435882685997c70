"""The evidence pack: everything the PICO shows an inspector for a date range, as a page and as rows
for CSV and Excel.

Questionnaire rules hold here as on the results pages and more strictly, because a pack leaves the
setting: no names from any questionnaire (never a confidential one's), no breakdown by group, and no
answers at all for a questionnaire with fewer than MIN_GROUP responses; free-text answers of a
confidential questionnaire are shown without their language.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.evidence.figures import Figures, Measure, figures, measures, percent, utc_bounds
from app.evidence.terms import recent_terms
from app.extensions import db
from app.feedback.models import KINDS, FeedbackItem
from app.i18n import _s
from app.messaging.models import MessageVersion
from app.surveys import results
from app.surveys.models import Survey, SurveyInvitation, SurveyResponse

TREND_TERMS = 4
YOU_SAID = "feedback.you_said_we_did"  # the audit action written when the summary is sent


@dataclass
class SurveySummary:
    title: str
    confidential: bool
    invited: int
    responded: int
    questions: list[dict] | None  # None: withheld (fewer than MIN_GROUP responses)


@dataclass
class Pack:
    period: object
    figures: Figures
    measures: list[Measure]
    trend: list[tuple[object, Figures]]
    surveys: list[SurveySummary]
    you_said: list[tuple[object, str]]  # (when sent, the summary in the setting's language)
    feedback_by_kind: list[tuple[str, int]]
    actions: list[PackAction]  # the action plan's actions under way in the period
    notes: list[str] = field(default_factory=list)


@dataclass
class PackAction:
    """One action of the plan as the pack shows it: families are counted, never named."""

    what: str
    who: str
    due_on: object
    status: str
    done: bool
    outcome: str
    concerns: str


def _actions(setting, period) -> list[PackAction]:
    from flask import current_app

    from app.evidence.action_forms import STATUS_LABELS
    from app.evidence.actions import actions_in_range
    from app.evidence.models import DONE

    languages = current_app.config["LANGUAGES"]
    out = []
    for action in actions_in_range(setting.id, period.start, period.end):
        families = sum(1 for link in action.links if link.child_id)
        parts = ([_s("%(n)s families", n=families)] if families > 1 else [_s("1 family")] if families else [])
        parts += [link.room.name for link in action.links if link.room is not None]
        parts += [languages.get(link.language, link.language) for link in action.links if link.language]
        out.append(PackAction(what=action.what, who=action.owner.name if action.owner else "", due_on=action.due_on,
                              status=str(STATUS_LABELS[action.status]), done=action.status == DONE, outcome=action.outcome or "",
                              concerns=", ".join(parts)))
    return out


def _surveys(setting, start, end) -> list[SurveySummary]:
    """Questionnaires with invitations sent in the period, summarised within the confidentiality rules."""
    ids = select(SurveyInvitation.survey_id).where(
        SurveyInvitation.setting_id == setting.id, SurveyInvitation.invited_at >= start,
        SurveyInvitation.invited_at < end).distinct()
    out = []
    for survey in db.session.scalars(select(Survey).where(Survey.id.in_(ids)).order_by(Survey.sent_at, Survey.id)):
        overall = results.rates(survey)["overall"]
        invited, responded = (overall[0][1], overall[0][2]) if overall else (0, 0)
        submitted = db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.submitted)) or 0
        questions = None
        if submitted >= results.MIN_GROUP:
            questions = results.question_results(survey)
            if survey.confidential:
                for item in questions:
                    item["texts"] = [(text, None) for text, _ in item["texts"]]
        out.append(SurveySummary(survey.title, survey.confidential, invited, responded, questions))
    return out


def _you_said(setting, start, end) -> list[tuple[object, str]]:
    """The 'You said, we did' summaries sent in the period, in the setting's own language."""
    entries = db.session.execute(
        select(AuditEntry.at, AuditEntry.object_id).where(
            AuditEntry.setting_id == setting.id, AuditEntry.action == YOU_SAID,
            AuditEntry.at >= start, AuditEntry.at < end).order_by(AuditEntry.at)).all()
    out = []
    for at, message_id in entries:
        versions = {v.language: v.body_text for v in db.session.scalars(
            select(MessageVersion).where(MessageVersion.message_id == message_id))}
        text = versions.get(setting.default_language) or next(iter(versions.values()), "")
        out.append((at, text))
    return out


def _feedback_by_kind(setting, start, end) -> list[tuple[str, int]]:
    rows = dict(db.session.execute(
        select(FeedbackItem.kind, func.count()).where(
            FeedbackItem.setting_id == setting.id, FeedbackItem.received_at >= start,
            FeedbackItem.received_at < end).group_by(FeedbackItem.kind)).all())
    return [(kind, rows.get(kind, 0)) for kind in KINDS]


def build(setting, period) -> Pack:
    """The pack for `setting` over `period` (anything with start, end and end_exclusive)."""
    from app.evidence.snapshots import kept_figures
    from app.families.services import local_today

    start, end = utc_bounds(setting, period)
    today = local_today(setting)
    trend = [(term, kept_figures(setting, term, today)[0]) for term in recent_terms(period.end, TREND_TERMS)]
    return Pack(period=period, figures=figures(setting, period), measures=measures(), trend=trend,
                surveys=_surveys(setting, start, end), you_said=_you_said(setting, start, end),
                feedback_by_kind=_feedback_by_kind(setting, start, end), actions=_actions(setting, period))


def kind_label(kind: str) -> str:
    """Plain words for a feedback kind."""
    return {"compliment": _s("Compliments"), "suggestion": _s("Suggestions"), "comment": _s("Comments"),
            "concern": _s("Concerns")}.get(kind, kind)


def sheets(pack: Pack) -> dict[str, list[list]]:
    """The pack as named tables (first row the header), for the CSV and Excel exports."""
    f = pack.figures.as_dict()
    figure_rows = [[_s("Figure"), _s("Count"), _s("Out of"), _s("Percent"), _s("How it is counted")]]
    for m in pack.measures:
        base = f[m.base] if m.base else ""
        share = percent(f[m.value], f[m.base]) if m.base else None
        figure_rows.append([m.label, f[m.value], base, "" if share is None else share, m.how])
    figure_rows += [[_s("Workshops held"), f["workshops"], "", "", ""],
                    [_s("Complaints"), f["complaints"], f["feedback"], "", ""]]
    trend_rows = [[_s("Term")] + [m.label for m in pack.measures]]
    for term, values in pack.trend:
        trend_rows.append([term.label] + [values.as_dict()[m.value] for m in pack.measures])
    survey_rows = [[_s("Questionnaire"), _s("Confidential"), _s("Invited"), _s("Answered"), _s("Question"),
                    _s("Answer"), _s("Count")]]
    for s in pack.surveys:
        head = [s.title, _s("yes") if s.confidential else _s("no"), s.invited, s.responded]
        if s.questions is None:
            survey_rows.append(head + ["", _s("Fewer than %(n)s answers: not shown", n=results.MIN_GROUP), ""])
            continue
        for item in s.questions:
            for label, count in item["bars"]:
                survey_rows.append(head + [item["question"].text, label, count])
            for text, _language in item["texts"]:
                survey_rows.append(head + [item["question"].text, text, ""])
    you_said_rows = [[_s("Sent"), _s("You said, we did")]] + [[at.date().isoformat(), text]
                                                              for at, text in pack.you_said]
    feedback_rows = [[_s("Kind"), _s("Received")]] + [[kind_label(k), n] for k, n in pack.feedback_by_kind]
    action_rows = [[_s("Action"), _s("Who"), _s("By when"), _s("Status"), _s("Outcome"), _s("For")]] + [
        [a.what, a.who, a.due_on.isoformat(), a.status, a.outcome, a.concerns] for a in pack.actions]
    return {_s("Figures"): figure_rows, _s("By term"): trend_rows, _s("Questionnaires"): survey_rows,
            _s("Feedback"): feedback_rows, _s("You said, we did"): you_said_rows, _s("Action plan"): action_rows}
