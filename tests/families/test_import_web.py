"""The import pages: upload, choose columns, preview, confirm, result, download the bad rows."""
from __future__ import annotations

import codecs
import csv
import io
import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.models import Child, Contact
from tests.conftest import login
from tests.families.import_files import BAD_LINES, HEADER, realistic_csv, rooms_for


def upload(client, data: bytes, name: str = "families.csv"):
    return client.post("/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def digest_of(page: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def pico(make, login_as):
    setting = make.setting()
    rooms_for(make, setting)
    user = make.user(setting, role="pico")
    login_as(user)
    return user


def test_upload_map_preview_confirm_and_download_bad_rows(client, pico):
    nav = text(client.get("/children"))
    assert 'href="/import"' in nav

    response = upload(client, realistic_csv())
    assert response.status_code == 302 and response.location.endswith("/import/map")
    page = text(client.get("/import/map"))
    assert "4 rows ready to import, 5 with problems" in page
    assert "Line 8" not in page and "not-an-email" in page  # preview shows the rows with their problems
    assert "unknown room “Moon” (rooms: Rainbow, Sunshine)" in page
    assert re.search(r'<option selected value="email">', page)  # guessed from the header "Email"

    # Staff change a mapping: the Language column (index 15) is not imported; the preview follows.
    form = {f"col{i}": v for i, v in enumerate(re.findall(r'<option selected value="([a-z_]*)"', page))}
    assert form["col15"] == "language"
    form["col15"] = ""
    assert client.post("/import/map", data=form).status_code == 302
    page = text(client.get("/import/map"))
    assert re.findall(r'<option selected value="([a-z_]*)"', page)[15] == ""
    assert "Gujarati" not in page  # no longer previewed, so no warning about it

    response = client.post("/import/confirm", data={"digest": digest_of(page)})
    assert response.status_code == 302 and response.location.endswith("/import/result")
    result = text(client.get("/import/result"))
    assert "4 rows imported, 5 rows not imported" in result
    for line in BAD_LINES:
        assert f"Line {line}:" in result
    assert db.session.scalar(select(Child).where(Child.external_id == "C002")) is not None
    assert {c.language for c in db.session.scalars(select(Contact))} == {"en"}  # language column ignored

    download = client.get("/import/errors.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    body = download.data
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline="")))
    assert rows[0][-1] == "error" and rows[0][:-1] == realistic_csv().decode().splitlines()[0].split(",")
    assert [row[-1].split(":")[0] for row in rows[1:]] == [f"Line {n}" for n in BAD_LINES]
    assert rows[2][13] == "not-an-email" and "Email" in rows[2][-1]

    # The upload is gone once imported: confirming again imports nothing twice.
    again = client.post("/import/confirm", data={"digest": digest_of(page)})
    assert again.status_code == 302 and again.location.endswith("/import/result")
    assert len(db.session.scalars(select(Child)).all()) == 3


def test_import_of_the_bad_rows_file_after_correcting_it(client, pico):
    upload(client, realistic_csv())
    client.post("/import/confirm", data={"digest": digest_of(text(client.get("/import/map")))})
    fixed = client.get("/import/errors.csv").data.decode("utf-8-sig").replace("not-an-email", "sam@example.org")
    upload(client, fixed.encode("utf-8-sig"), "families-errors.csv")
    page = text(client.get("/import/map"))
    # the corrected row, and line 11 whose twin (line 2) is not in this file, are good now
    assert "2 rows ready to import, 3 with problems" in page
    client.post("/import/confirm", data={"digest": digest_of(page)})
    result = text(client.get("/import/result"))
    assert "2 rows imported, 3 rows not imported" in result
    assert "Line 2:" in result  # lines of the new file, after its header
    assert db.session.scalar(select(Contact).where(Contact.email == "sam@example.org")) is not None


def test_a_stale_preview_is_not_imported(client, pico):
    upload(client, realistic_csv())
    page = text(client.get("/import/map"))
    response = client.post("/import/confirm", data={"digest": "0" * 16})
    assert response.status_code == 302 and response.location.endswith("/import/map")
    assert "The column choices have changed" in text(client.get("/import/map"))
    assert db.session.scalars(select(Child)).first() is None
    assert digest_of(page)


def test_mapping_problems_are_shown_and_block_the_import(client, pico):
    upload(client, realistic_csv())
    page = text(client.get("/import/map"))
    form = {f"col{i}": v for i, v in enumerate(re.findall(r'<option selected value="([a-z_]*)"', page))}
    form["col1"] = ""            # no child first name
    form["col2"] = "email"       # chosen twice
    client.post("/import/map", data=form)
    page = text(client.get("/import/map"))
    assert "Choose the column that holds: Child first name." in page
    assert "“Email” is chosen for more than one column." in page
    assert "Chosen for more than one column." in page
    assert 'name="digest"' not in page
    response = client.post("/import/confirm", data={"digest": "x"})
    assert response.location.endswith("/import/map")
    assert db.session.scalars(select(Child)).first() is None


def test_invalid_choice_re_renders_with_a_message(client, pico):
    upload(client, realistic_csv())
    response = client.post("/import/map", data={"col0": "setting_id"})
    assert response.status_code == 200
    assert "One of the choices is not valid" in text(response)


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "families.csv", "The file is empty."),
    (b"   \r\n", "families.csv", "The file is empty."),
    (b"Child ID,First name\r\n", "families.csv", "a header row but no rows of data"),
    (b"PK\x03\x04\x00\x00binary", "families.xlsx", "is not a CSV file"),
    (b"PK\x03\x04\x00\x00binary", "families.csv", "does not look like a CSV file"),
])
def test_upload_problems_are_explained(client, pico, data, name, message):
    response = upload(client, data, name)
    assert response.status_code == 200
    assert message in text(response)


def test_no_file_chosen_and_too_large(client, pico, app):
    assert "Choose a CSV file to upload." in text(client.post("/import", data={}))
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        response = upload(client, realistic_csv())
    finally:
        del app.config["IMPORT_MAX_BYTES"]
    assert "larger than" in text(response)
    assert client.get("/import/map").location.endswith("/import")


def test_cancel_discards_the_upload(client, pico):
    upload(client, realistic_csv())
    client.post("/import/cancel")
    assert client.get("/import/map").status_code == 302
    assert db.session.scalars(select(Child)).first() is None


@pytest.mark.parametrize("role", ["key_person", "practitioner"])
def test_key_person_and_practitioner_cannot_import(client, make, login_as, role):
    setting = make.setting()
    login_as(make.user(setting, role=role))
    assert 'href="/import"' not in text(client.get("/children"))
    assert client.get("/import").status_code == 403
    assert upload(client, realistic_csv()).status_code == 403
    for path in ("/import/map", "/import/result", "/import/errors.csv"):
        assert client.get(path).status_code == 403
    assert client.post("/import/confirm", data={}).status_code == 403


def test_manager_can_import(client, make, login_as):
    setting = make.setting()
    rooms_for(make, setting)
    login_as(make.user(setting, role="manager"))
    assert upload(client, realistic_csv()).status_code == 302
    assert "4 rows ready to import" in text(client.get("/import/map"))


def test_another_setting_cannot_see_or_use_an_upload(app, make, pico):
    other_setting = make.setting("Oak Pre-school")
    rooms_for(make, other_setting)
    other = make.user(other_setting, role="manager")
    db.session.commit()
    theirs = app.test_client()
    assert login(theirs, other).status_code == 302
    # the PICO uploads; the other setting's manager somehow holds the same token
    mine = app.test_client()
    assert login(mine, pico).status_code == 302
    upload(mine, realistic_csv())
    with mine.session_transaction() as s:
        token = s["families_import"]

    def borrowed(request):
        with theirs.session_transaction() as s:
            s["families_import"] = token
        return request().status_code

    for path in ("/import/map", "/import/result", "/import/errors.csv"):
        assert borrowed(lambda: theirs.get(path)) == 404
    digest = digest_of(text(mine.get("/import/map")))
    assert borrowed(lambda: theirs.post("/import/confirm", data={"digest": digest})) == 404
    assert borrowed(lambda: theirs.post("/import/map", data={"col0": ""})) == 404
    assert db.session.scalars(select(Child)).first() is None
    assert "4 rows ready to import" in text(mine.get("/import/map"))  # still there for its owner


def test_problems_beyond_the_preview_are_listed_and_the_import_is_audited(client, pico):
    rows = [f"C{n},Child{n},Lee,2023-01-{n:02d},Rainbow,,,,,,,,,,,,,," for n in range(1, 25)]
    rows[22] = rows[22].replace("Rainbow", "Attic")  # line 24, past the 20 previewed rows
    upload(client, ("\r\n".join([HEADER, *rows]) + "\r\n").encode())
    page = text(client.get("/import/map"))
    assert "23 rows ready to import, 1 with problems" in page
    assert "Problems in the other rows" in page and "Line 24: Room: unknown room “Attic”" in page
    assert "Child21" not in page  # only the first 20 rows are previewed
    client.post("/import/confirm", data={"digest": digest_of(page)})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "families.imported"))
    assert entry.actor_id == pico.id and entry.detail["children_created"] == 23 and entry.detail["bad"] == 1
