"""Session patterns: written on the child's record, shown on the child page, read from an MIS export."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.families.import_upsert import import_table
from app.families.importer import guess_mapping, read_table
from app.families.models import Child
from app.families.sessions import BadPattern, parse


@pytest.mark.parametrize("raw, pattern", [
    ("Mon AM, Tue PM, Wed-Fri full day", {"mon": "am", "tue": "pm", "wed": "full", "thu": "full", "fri": "full"}),
    ("Monday morning; Thursday", {"mon": "am", "thu": "full"}),
    ("Mon–Fri", {d: "full" for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("Mondays and Wednesdays (mornings)", {"mon": "am", "wed": "am"}),
    ("mon tue am / wed pm", {"mon": "am", "tue": "am", "wed": "pm"}),
    ("AM Mon Tue", {"mon": "am", "tue": "am"}),
    ("Mon am, Mon pm", {"mon": "full"}),
    ("  ", None),
])
def test_patterns_are_read_the_ways_settings_write_them(raw, pattern):
    assert parse(raw) == pattern


@pytest.mark.parametrize("raw, reason", [("Fri-Mon", "backwards"), ("Mon evening", "“evening”"),
                                         ("mornings", "names no day")])
def test_unreadable_patterns_say_why(app, raw, reason):
    with app.test_request_context(), pytest.raises(BadPattern, match=reason):
        parse(raw)


def _child_form(**overrides):
    data = {"first_name": "Amira", "last_name": "Khan", "date_of_birth": "2023-02-14", "room_id": "0",
            "key_person_id": "0", "start_date": "", "leaving_date": "", "external_id": ""}
    return {**data, **overrides}


def test_pattern_is_set_on_the_child_form_and_shown_on_the_child_page(make, login_as):
    setting = make.setting()
    client = login_as(make.user(setting, role="manager"))
    form = client.get("/children/new").get_data(as_text=True)
    assert "Sessions attended" in form and "Not attending" in form and "Full day" in form
    response = client.post("/children/new", data=_child_form(session_mon="am", session_wed="full", session_fri="pm"))
    child = db.session.scalar(select(Child))
    assert child.session_pattern == {"mon": "am", "wed": "full", "fri": "pm"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Monday: morning, Wednesday: full day, Friday: afternoon" in page
    edit = client.get(f"/children/{child.id}/edit").get_data(as_text=True)
    assert '<option selected value="full">Full day</option>' in edit
    client.post(f"/children/{child.id}/edit", data=_child_form(session_fri="bogus"))
    db.session.refresh(child)
    assert child.session_pattern == {"mon": "am", "wed": "full", "fri": "pm"}  # refused, nothing changed
    client.post(f"/children/{child.id}/edit", data=_child_form())
    db.session.refresh(child)
    assert child.session_pattern is None  # every day empty: not known
    assert "Not known: listed at every home time" in client.get(f"/children/{child.id}").get_data(as_text=True)


def _import(setting, text: str):
    table = read_table(text.encode())
    result = import_table(setting, table, guess_mapping(table.headers))
    db.session.commit()
    return result


def test_sessions_column_is_imported_updated_and_checked(make):
    setting = make.setting()
    header = "Child ID,First name,Surname,DOB,Booking pattern"
    assert guess_mapping(header.split(","))[-1] == "sessions"
    result = _import(setting, "\n".join([header, "C1,Ada,Lee,2023-03-05,Mon AM; Tue-Thu full day",
                                         "C2,Bo,Lee,2023-03-05,", "C3,Cy,Lee,2023-03-05,Mon evenings"]))
    assert [(row.line, " ".join(row.errors)) for row in result.bad] == [
        (4, "Sessions attended (e.g. Mon AM, Tue PM, Wed-Fri full day): “evenings” is not a day or a session "
            "(write it like “Mon AM, Tue PM, Wed-Fri full day”)")]
    children = {c.external_id: c for c in db.session.scalars(select(Child))}
    assert children["C1"].session_pattern == {"mon": "am", "tue": "full", "wed": "full", "thu": "full"}
    assert children["C2"].session_pattern is None
    _import(setting, "\n".join([header, "C1,Ada,Lee,2023-03-05,", "C2,Bo,Lee,2023-03-05,Fri PM"]))
    db.session.expire_all()
    children = {c.external_id: c for c in db.session.scalars(select(Child))}
    assert children["C1"].session_pattern == {"mon": "am", "tue": "full", "wed": "full", "thu": "full"}
    assert children["C2"].session_pattern == {"fri": "pm"}  # an empty cell never clears a value
