"""The PICO's dashboard (this term at a glance, with the previous terms) and the reach report."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, url_for
from flask_wtf import FlaskForm

from app.evidence import reach
from app.evidence.figures import measures, percent
from app.evidence.routes import bp
from app.evidence.snapshots import CURRENT_MAX_AGE, kept_figures
from app.extensions import db
from app.evidence.terms import recent_terms, term_containing
from app.families.services import local_today
from app.security import MANAGER, PICO, role_required

TREND_TERMS = 4  # this term and the three before it


@bp.get("/")
@role_required(MANAGER, PICO)
def dashboard():
    """This term's figures beside the previous term's, each with a small chart over recent terms."""
    today = local_today(g.setting)
    counted = [(term, *kept_figures(g.setting, term, today)) for term in recent_terms(today, TREND_TERMS)]
    db.session.commit()  # keep what was counted for the next visit
    return render_template("evidence/dashboard.html", series=[(term, f) for term, f, _ in counted],
                           counted_at=counted[-1][2], max_age=int(CURRENT_MAX_AGE.total_seconds() // 60),
                           measures=measures(), percent=percent, form=FlaskForm())


@bp.post("/recount")
@role_required(MANAGER, PICO)
def recount():
    """Count this term's figures again now, instead of waiting for the kept ones to expire."""
    if FlaskForm().validate_on_submit():
        today = local_today(g.setting)
        kept_figures(g.setting, term_containing(today), today, refresh=True)
        db.session.commit()
    return redirect(url_for("evidence.dashboard"))


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
