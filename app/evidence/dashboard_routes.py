"""The PICO's dashboard (this term at a glance, with the previous terms) and the reach report."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from app.evidence import reach
from app.evidence.figures import measures, percent
from app.evidence.routes import bp
from app.evidence.snapshots import CURRENT_MAX_AGE, kept_figures, kept_page, kept_reach
from app.extensions import db
from app.evidence.terms import recent_terms, term_containing
from app.families.services import local_today
from app.security import MANAGER, PICO, role_required

TREND_TERMS = 4  # this term and the three before it
LAST_PAGE = 100_000


@bp.get("/")
@role_required(MANAGER, PICO)
def dashboard():
    """This term's figures beside the previous term's, each with a small chart over recent terms."""
    today = local_today(g.setting)
    counted = [(term, *kept_figures(g.setting, term, today)) for term in recent_terms(today, TREND_TERMS)]
    page = render_template("evidence/dashboard.html", series=[(term, f) for term, f, _ in counted],
                           counted_at=counted[-1][2], max_age=int(CURRENT_MAX_AGE.total_seconds() // 60),
                           measures=measures(), percent=percent, form=FlaskForm())
    db.session.commit()  # keep what was counted for the next visit (after rendering: nothing is read again)
    return page


@bp.post("/recount")
@role_required(MANAGER, PICO)
def recount():
    """Count this term's figures again now, instead of waiting for the kept ones to expire."""
    if FlaskForm().validate_on_submit():
        today = local_today(g.setting)
        kept_figures(g.setting, term_containing(today), today, refresh=True)
        db.session.commit()
    return redirect(url_for("evidence.dashboard"))


def _page_number(name: str) -> int:
    """A list's page from the query string (?families_page=2): 1 unless a positive whole number, and no
    further than LAST_PAGE (a number past every list, small enough for the database)."""
    return min(max(request.args.get(name, 1, type=int), 1), LAST_PAGE)


@bp.get("/reach")
@role_required(MANAGER, PICO)
def reach_report():
    """Who no message reaches, who got a fallback language this term, and languages still missing;
    the two long lists a page at a time."""
    today = local_today(g.setting)
    counted = kept_reach(g.setting, today)
    families_page, fallbacks_page = _page_number("families_page"), _page_number("fallbacks_page")
    families, fallbacks = kept_page(g.setting.id, *[range((number - 1) * reach.LIMIT, number * reach.LIMIT)
                                                    for number in (families_page, fallbacks_page)])
    page = render_template("evidence/reach.html", families=families, families_total=counted.families,
                           families_page=families_page, fallbacks=fallbacks, fallbacks_total=counted.fallbacks,
                           fallbacks_page=fallbacks_page, counted_at=counted.at,
                           max_age=int(CURRENT_MAX_AGE.total_seconds() // 60), form=FlaskForm(),
                           term=term_containing(today), missing=reach.missing_translations(g.setting),
                           recent_days=reach.RECENT_DAYS, limit=reach.LIMIT,
                           languages=current_app.config["LANGUAGES"])
    db.session.commit()  # keep what was counted for the next visit (after rendering: nothing is read again)
    return page


@bp.post("/reach/recount")
@role_required(MANAGER, PICO)
def recount_reach():
    """Count the reach report's lists again now, instead of waiting for the kept ones to expire."""
    if FlaskForm().validate_on_submit():
        kept_reach(g.setting, local_today(g.setting), refresh=True)
        db.session.commit()
    return redirect(url_for("evidence.reach_report"))
