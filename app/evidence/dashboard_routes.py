"""The PICO's dashboard (this term at a glance, with the previous terms) and the reach report."""
from __future__ import annotations

from flask import current_app, g, render_template

from app.evidence import reach
from app.evidence.figures import figures, measures, percent
from app.evidence.routes import bp
from app.evidence.terms import recent_terms, term_containing
from app.families.services import local_today
from app.security import MANAGER, PICO, role_required

TREND_TERMS = 4  # this term and the three before it


@bp.get("/")
@role_required(MANAGER, PICO)
def dashboard():
    """This term's figures beside the previous term's, each with a small chart over recent terms."""
    terms = recent_terms(local_today(g.setting), TREND_TERMS)
    series = [(term, figures(g.setting, term)) for term in terms]
    return render_template("evidence/dashboard.html", series=series, measures=measures(), percent=percent)


@bp.get("/reach")
@role_required(MANAGER, PICO)
def reach_report():
    """Who no message reaches, who got a fallback language this term, and languages still missing."""
    today = local_today(g.setting)
    term = term_containing(today)
    families, families_total = reach.unreached(g.setting, today)
    fallbacks, fallbacks_total = reach.fallbacks(g.setting, term)
    return render_template("evidence/reach.html", families=families, families_total=families_total,
                           fallbacks=fallbacks, fallbacks_total=fallbacks_total, term=term,
                           missing=reach.missing_translations(g.setting), recent_days=reach.RECENT_DAYS,
                           limit=reach.LIMIT, languages=current_app.config["LANGUAGES"])
