"""Staff pages of the families import: upload → columns and preview → confirm → result."""
from __future__ import annotations

import hashlib
import json

from flask import abort, current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from app.extensions import db
from app.families import import_store as store
from app.families.import_forms import UploadForm, chosen_mapping, mapping_form
from app.families.import_rows import ImportContext, check_rows
from app.families.import_upsert import import_table
from app.families.importer import (FIELDS, IGNORE, ImportFileError, Table, errors_csv, guess_mapping,
                                   mapping_problems, read_table)
from app.families.routes import bp
from app.i18n import _s
from app.security import MANAGER, PICO, role_required

SESSION_KEY = "families_import"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
PREVIEW_ROWS = 20
LISTED_PROBLEMS = 200


def _max_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _read_upload(storage) -> tuple[bytes | None, str | None]:
    """The uploaded bytes, or a message saying what is wrong with the file."""
    if storage is None or not getattr(storage, "filename", ""):
        return None, _s("Choose a CSV file to upload.")
    if not storage.filename.lower().endswith(".csv"):
        return None, _s("“%(name)s” is not a CSV file. In Excel, use Save As and choose "
                        "“CSV UTF-8 (Comma delimited)”.", name=storage.filename[:100])
    data = storage.stream.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        return None, _s("The file is larger than %(mb)s MB: split it into smaller files.",
                        mb=round(_max_bytes() / 1024 / 1024, 1))
    if not data.strip():
        return None, _s("The file is empty.")
    return data, None


def _current() -> tuple[str, dict]:
    """This staff member's upload in progress: redirect to the upload page when none, 404 if not theirs."""
    token = session.get(SESSION_KEY)
    if token is None:
        flash(_s("Upload a file to import first."), "error")
        abort(redirect(url_for("families.import_upload")))
    meta = store.load_meta(current_user.setting_id, current_user.id, token)
    if meta is None:
        session.pop(SESSION_KEY, None)
        abort(404)
    return token, meta


def _table(token: str) -> Table:
    """The uploaded file read again; after the import, the result page instead."""
    data = store.read_upload(current_user.setting_id, token)
    if data is None:
        abort(redirect(url_for("families.import_result")))
    try:
        return read_table(data)
    except ImportFileError as exc:
        store.discard(current_user.setting_id, token)
        flash(str(exc), "error")
        abort(redirect(url_for("families.import_upload")))


def _mapping(meta: dict, table: Table) -> list[str]:
    mapping = meta.get("mapping")
    if not isinstance(mapping, list) or len(mapping) != len(table.headers):
        return guess_mapping(table.headers)
    return [name if name in FIELDS else IGNORE for name in mapping]


def _digest(mapping: list[str]) -> str:
    return hashlib.sha256(json.dumps(mapping).encode()).hexdigest()[:16]


@bp.route("/import", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def import_upload():
    """Upload a CSV exported from the MIS."""
    form = UploadForm()
    if form.validate_on_submit():
        data, problem = _read_upload(form.file.data)
        if data is not None:
            try:
                read_table(data)
            except ImportFileError as exc:
                problem = str(exc)
        if problem:
            form.file.errors = [problem]
        else:
            store.discard(current_user.setting_id, session.get(SESSION_KEY))
            session[SESSION_KEY] = store.save_upload(current_user.setting_id, current_user.id,
                                                     form.file.data.filename, data)
            return redirect(url_for("families.import_map"))
    return render_template("families/import_upload.html", form=form, fields=FIELDS,
                           max_mb=round(_max_bytes() / 1024 / 1024, 1))


@bp.route("/import/map", methods=["GET", "POST"])
@role_required(MANAGER, PICO)
def import_map():
    """Choose what each column holds, and see what the import would do."""
    token, meta = _current()
    table = _table(token)
    mapping = _mapping(meta, table)
    form = mapping_form(table.headers, mapping)
    if request.method == "POST" and form.validate():
        meta["mapping"] = chosen_mapping(form, len(table.headers))
        store.write_meta(current_user.setting_id, token, meta)
        return redirect(url_for("families.import_map"))
    problems = mapping_problems(mapping)
    for index, name in enumerate(mapping):
        if name and mapping.count(name) > 1:
            form[f"col{index}"].errors = [_s("Chosen for more than one column.")]
    rows = [] if problems else check_rows(table, mapping, ImportContext.for_setting(current_user.setting))
    bad = [row for row in rows if not row.ok]
    shown = [index for index, name in enumerate(mapping) if name]
    return render_template(
        "families/import_map.html", form=form, table=table, meta=meta, mapping=mapping, problems=problems,
        preview=rows[:PREVIEW_ROWS], good=len(rows) - len(bad), bad=len(bad),
        later_bad=[row for row in rows[PREVIEW_ROWS:] if not row.ok][:LISTED_PROBLEMS],
        shown=shown, fields=FIELDS, digest=_digest(mapping), preview_size=PREVIEW_ROWS)


@bp.post("/import/confirm")
@role_required(MANAGER, PICO)
def import_confirm():
    """Import the good rows of the previewed file."""
    token, meta = _current()
    table = _table(token)
    mapping = _mapping(meta, table)
    if request.form.get("digest") != _digest(mapping) or mapping_problems(mapping):
        flash(_s("The column choices have changed: check the preview, then import."), "error")
        return redirect(url_for("families.import_map"))
    result = import_table(current_user.setting, table, mapping, actor=current_user)
    db.session.commit()
    bad_csv = errors_csv(table, [(row.line, row.cells, row.errors) for row in result.bad]) if result.bad else None
    store.save_result(current_user.setting_id, token, {
        "filename": meta.get("filename", ""), "summary": result.summary(), "counts": result.counts,
        "bad": [[row.line, row.errors] for row in result.bad[:1000]],
    }, bad_csv)
    return redirect(url_for("families.import_result"))


@bp.get("/import/result")
@role_required(MANAGER, PICO)
def import_result():
    """What the import created, updated and left unchanged, and the rows it could not import."""
    token, meta = _current()
    result = store.read_result(current_user.setting_id, token)
    if result is None:
        return redirect(url_for("families.import_map"))
    return render_template("families/import_result.html", result=result, meta=meta)


@bp.get("/import/errors.csv")
@role_required(MANAGER, PICO)
def import_errors():
    """The rows that were not imported, in the file's own columns plus an "error" column."""
    token, meta = _current()
    path = store.errors_path(current_user.setting_id, token)
    if path is None:
        abort(404)
    stem = secure_filename(meta.get("filename", "")).rsplit(".", 1)[0] or "import"
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"{stem}-errors.csv",
                     max_age=0)


@bp.post("/import/cancel")
@role_required(MANAGER, PICO)
def import_cancel():
    """Forget the uploaded file."""
    store.discard(current_user.setting_id, session.pop(SESSION_KEY, None))
    flash(_s("The upload was discarded; nothing was imported."), "success")
    return redirect(url_for("families.import_upload"))
