"""The evidence pack: a date-range form, the printable report, and its CSV and Excel exports."""
from __future__ import annotations

from flask import Response, abort, current_app, g, render_template, request
from werkzeug.datastructures import MultiDict

from app.evidence import pack as packs
from app.evidence.figures import percent
from app.evidence.forms import PackForm
from app.evidence.pack_export import to_csv, to_xlsx
from app.evidence.routes import bp
from app.evidence.terms import Period, term_containing
from app.extensions import db
from app.families.services import local_today
from app.i18n import _s
from app.security import MANAGER, PICO, role_required
from app.surveys.results import MIN_GROUP

TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _form() -> tuple[PackForm, Period | None]:
    """The form from the query string (this term when empty) and its period when valid."""
    args = request.args
    if not args.get("start") and not args.get("end"):
        term = term_containing(local_today(g.setting))
        args = {"start": term.start.isoformat(), "end": term.end.isoformat()}
    form = PackForm(formdata=MultiDict(args))
    if form.validate():
        return form, Period(form.start.data, form.end.data)
    return form, None


@bp.get("/pack")
@role_required(MANAGER, PICO)
def pack():
    """The printable evidence pack for a date range (this term unless another is chosen)."""
    form, period = _form()
    if period is None:
        return render_template("evidence/pack.html", form=form, pack=None), 400
    page = render_template("evidence/pack.html", form=form, pack=packs.build(g.setting, period),
                           percent=percent, min_group=MIN_GROUP, kind_label=packs.kind_label,
                           languages=current_app.config["LANGUAGES"])
    db.session.commit()  # keep the terms' figures counted for the charts
    return page


@bp.get("/pack.<fmt>")
@role_required(MANAGER, PICO)
def pack_export(fmt: str):
    """The pack's figures and summaries as CSV or as an Excel workbook."""
    if fmt not in TYPES:
        abort(404)
    form, period = _form()
    if period is None:
        return render_template("evidence/pack.html", form=form, pack=None), 400
    sheets = packs.sheets(packs.build(g.setting, period))
    db.session.commit()
    body = to_csv(sheets) if fmt == "csv" else to_xlsx(sheets, chart_sheet=_s("By term"))
    name = f"evidence-{period.start.isoformat()}-to-{period.end.isoformat()}.{fmt}"
    return Response(body, mimetype=TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
