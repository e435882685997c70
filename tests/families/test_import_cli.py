"""`flask import-families FILE --setting SLUG`: summary, bad rows written beside the file."""
from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.models import Child, Contact
from tests.families.import_files import BAD_LINES, realistic_csv, rooms_for


def run(app, *args):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["import-families", *args])
    db.session.expire_all()
    return result


def test_cli_imports_and_writes_the_bad_rows(app, make, tmp_path):
    setting = make.setting(slug="acorn")
    rooms_for(make, setting)
    path = tmp_path / "export.csv"
    path.write_bytes(realistic_csv())

    result = run(app, str(path), "--setting", "acorn")
    assert result.exit_code == 0, result.output
    assert "9 rows: 4 good, 5 bad" in result.output
    assert "children: 3 created, 0 updated, 0 unchanged" in result.output
    for line in BAD_LINES:
        assert f"line {line}: " in result.output
    errors_file = tmp_path / "export.csv.errors.csv"
    assert f"Wrote the 5 bad rows to {errors_file}" in result.output
    rows = list(csv.reader(io.StringIO(errors_file.read_text("utf-8-sig"), newline="")))
    assert rows[0][-1] == "error" and len(rows) == 6
    assert db.session.scalar(select(func.count()).select_from(Child)) == 3
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "families.imported"))
    assert entry.actor_label == "flask import-families" and entry.detail["children_created"] == 3

    again = run(app, str(path), "--setting", "acorn")
    assert "children: 0 created, 0 updated, 3 unchanged" in again.output
    assert db.session.scalar(select(func.count()).select_from(Child)) == 3


def test_cli_map_overrides_and_dry_run(app, make, tmp_path):
    make.setting(slug="acorn")
    path = tmp_path / "export.csv"
    path.write_text("Pupil,Family name,Born,Carer,Phone\nAda,Lee,2023-03-05,Ana,07700900123\n")
    missing = run(app, str(path), "--setting", "acorn")
    assert missing.exit_code != 0 and "Child first name" in missing.output

    args = [str(path), "--setting", "acorn", "--map", "Pupil=child_first_name", "--map", "Carer=contact_first_name",
            "--map", "phone=mobile", "--map", "born=date_of_birth"]
    dry = run(app, *args, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 rows: 1 good, 0 bad (dry run: nothing saved)" in dry.output
    assert db.session.scalar(select(func.count()).select_from(Child)) == 0

    done = run(app, *args)
    assert done.exit_code == 0, done.output
    contact = db.session.scalar(select(Contact))
    assert (contact.first_name, contact.mobile) == ("Ana", "+447700900123")
    assert not (tmp_path / "export.csv.errors.csv").exists()


def test_cli_explains_bad_arguments(app, make, tmp_path):
    make.setting(slug="acorn")
    path = tmp_path / "export.csv"
    path.write_bytes(realistic_csv())
    assert "no setting with slug 'nope'" in run(app, str(path), "--setting", "nope").output
    assert "No column is called “Nope”" in run(app, str(path), "--setting", "acorn", "--map", "Nope=email").output
    assert "is not a field" in run(app, str(path), "--setting", "acorn", "--map", "Email=address").output
    assert "HEADER=FIELD" in run(app, str(path), "--setting", "acorn", "--map", "Email").output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "The file is empty." in run(app, str(empty), "--setting", "acorn").output
