"""Confidential mode: read the tables directly; nothing joins an answer to a family."""
from __future__ import annotations

import csv
import io

from sqlalchemy import inspect, text

from app.extensions import db
from app.surveys import services
from tests.surveys.helpers import answer_all, link_path, simple_survey


def _three_answer(client, make, smtp, mode="confidential"):
    setting = make.setting()
    child = make.child(setting, room=make.room(setting))
    parents = [make.contact(setting, children=[child], channels="email", first_name=f"Zed{i}",
                            last_name=f"Quill{i}") for i in range(3)]
    survey, q = simple_survey(setting, mode=mode, audience={"all": True}, channels="email")
    db.session.commit()
    services.open_and_invite(survey)
    for i, parent in enumerate(parents):
        client.post("/family/leave")
        client.get(link_path(smtp.to(parent.email)[0]))
        answer_all(client, survey, q, idea=f"idea from parent {i}", count=str(i))
    return setting, survey, q, parents


def test_response_tables_hold_no_contact_invitation_time_or_order(client, make, smtp):
    setting, survey, q, parents = _three_answer(client, make, smtp)
    inspector = inspect(db.engine)
    for table in ("survey_response", "survey_answer"):
        columns = {c["name"]: str(c["type"]).upper() for c in inspector.get_columns(table)}
        assert not [n for n in columns if "invitation" in n or "created" in n or "updated" in n], columns
        assert not [n for n, t in columns.items() if "DATE" in t or "TIME" in t], columns
        fks = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert "survey_invitation" not in fks and "link_token" not in fks
    rows = db.session.execute(text("SELECT id, contact_id, edit_key_hash FROM survey_response")).all()
    assert len(rows) == 3 and all(r.contact_id is None for r in rows)
    # Ids are random: neither numbers nor in the order the parents answered.
    assert all(len(r.id) == 32 and not r.id.isdigit() for r in rows)
    # The invitation only says "responded"; it has no column pointing at a response.
    inv_columns = {c["name"] for c in inspector.get_columns("survey_invitation")}
    assert not [n for n in inv_columns if "response" in n or "answered_at" in n or "updated" in n]
    # The edit key cannot be recomputed from anything stored: not from the link token's hash.
    hashes = {r[0] for r in db.session.execute(text("SELECT token_hash FROM link_token"))}
    assert not hashes & {r.edit_key_hash for r in rows}
    if db.engine.dialect.name == "sqlite":
        # No hidden rowid recording insertion order.
        sql = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name='survey_response'")).scalar()
        assert "WITHOUT ROWID" in sql.upper()
    else:
        # Every response and responded invitation was rewritten by the last submit: one row version.
        xmins = {r[0] for r in db.session.execute(text("SELECT xmin::text FROM survey_response"))}
        inv = {r[0] for r in db.session.execute(text("SELECT xmin::text FROM survey_invitation WHERE responded"))}
        assert len(xmins) == 1 and xmins == inv


def test_confidential_export_has_no_identities(client, make, smtp, login_as):
    setting, survey, q, parents = _three_answer(client, make, smtp)
    pico = make.user(setting, role="pico")
    login_as(pico)
    body = client.get(f"/surveys/{survey.id}/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Language" and len(rows) == 4
    assert {r[0] for r in rows[1:]} == {"other"}  # three English answers: too few to name the language
    assert {"idea from parent 0", "idea from parent 1", "idea from parent 2"} <= {c for r in rows for c in r}
    for parent in parents:
        assert parent.first_name not in body and parent.last_name not in body and parent.email not in body
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"/surveys/{survey.id}/export.xlsx").data))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert "idea from parent 1" in cells and not any("Quill" in c for c in cells)


def test_named_mode_tells_parents_and_keeps_names(client, make, smtp, login_as):
    setting, survey, q, parents = _three_answer(client, make, smtp, mode="named")
    [mail] = smtp.to(parents[0].email)
    assert "Your name will be shown with your answers." in mail.get_body(("plain",)).get_content()
    login_as(make.user(setting, role="pico"))
    body = client.get(f"/surveys/{survey.id}/export.csv").get_data(as_text=True)
    assert body.startswith("Name,") and "Zed1 Quill1" in body
