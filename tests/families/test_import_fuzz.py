"""Whatever is uploaded and however the columns are chosen: no 500, nothing from another setting."""
from __future__ import annotations

import csv
import io
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.families.importer import FIELDS
from app.families.models import Child, ChildContact, Contact, Room

HEADERS = ["Child ID", "Forename", "Surname", "DOB", "Room", "Contact ID", "Contact forename", "Email",
           "Mobile", "Language", "Priority", "Channels", "Parental responsibility", "Start date", "Notes"]
VALUES = ["C1", "C2", "P1", "P2", "Ada", "Zoë", "Lee", "31/01/2023", "2023-01-31", "31/02/2023", "Rainbow",
          "Sunshine", "x@example.org", "not-an-email", "07700 900123", "+447700900124", "12345", "Polish", "pl",
          "Klingon", "yes", "maybe", "email", "both", "1", "0", "-3", "=SUM(A1)", ""]
# Per column, values a real file might hold (good and bad), for files that mostly make sense.
LIKELY = {"Room": ["Rainbow", "Sunshine", ""], "Contact ID": ["P1", "P2", ""], "Contact forename": ["Ana", "Ada", ""],
          "Email": ["x@example.org", "not-an-email", ""], "Mobile": ["07700 900123", "12345", ""],
          "Language": ["Polish", "Klingon", ""], "Priority": ["1", "-3", ""], "Channels": ["email", "both", "owl"],
          "Parental responsibility": ["yes", "maybe", ""], "Start date": ["2024-09-02", "soon", ""]}
cell = st.one_of(st.sampled_from(VALUES), st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                                                  max_size=12))


@st.composite
def csv_files(draw) -> bytes:
    if draw(st.booleans()):  # a file that mostly makes sense, so rows really get imported
        headers = ["Child ID", "Forename", "Surname", "DOB"] + draw(st.lists(st.sampled_from(HEADERS[4:]),
                                                                             max_size=5, unique=True))
        start = [st.sampled_from(["C1", "C2", "C3"]), st.sampled_from(["Ada", "Zoë", ""]),
                 st.sampled_from(["Lee", "Brontë"]), st.sampled_from(["31/01/2023", "2023-01-31", "31/02/2023"])]
        row = st.tuples(*start, *[st.sampled_from(LIKELY[h]) if h in LIKELY else cell for h in headers[4:]]).map(list)
    else:
        headers = draw(st.lists(st.one_of(st.sampled_from(HEADERS), cell), min_size=1, max_size=8))
        row = st.lists(cell, max_size=len(headers) + 1)
    rows = draw(st.lists(row, max_size=6))
    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])),
               lineterminator=draw(st.sampled_from(["\r\n", "\n"]))).writerows([headers, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return out.getvalue().encode(encoding, errors="replace")


# A sensible file whose MIS ids, names and email are also those of the other setting's family.
SAME_IDS_AS_THEIRS = ("Child ID,Forename,Surname,DOB,Room,Notes,Contact ID,Contact forename,Email\r\n"
                      "C1,Ada,Lee,2023-01-31,Rainbow,Sunshine,P1,Ada,x@example.org\r\n"
                      "C2,Zoë,Lee,2023-01-31,Sunshine,,P1,Ada,x@example.org\r\n").encode("cp1252")
uploads = st.tuples(st.one_of(csv_files(), st.binary(max_size=300)),
                    st.sampled_from(["families.csv", "FAMILIES.CSV", "families.txt", "x.csv.exe", ".csv", ""]))
mapping_posts = st.dictionaries(
    st.one_of(st.builds(lambda n: f"col{n}", st.integers(0, 9)), st.sampled_from(["digest", "csrf_token"])),
    st.one_of(st.sampled_from(["", *FIELDS]), st.text(max_size=8)), max_size=10)


def _snapshot(setting_id: int) -> list:
    children = db.session.scalars(select(Child).where(Child.setting_id == setting_id).order_by(Child.id)).all()
    contacts = db.session.scalars(select(Contact).where(Contact.setting_id == setting_id).order_by(Contact.id)).all()
    return [(c.id, c.first_name, c.external_id, c.room_id, c.date_of_birth) for c in children] + \
        [(c.id, c.first_name, c.email, c.mobile, c.language) for c in contacts]


def test_random_uploads_and_mappings_never_fail_or_cross_settings(client, make, login_as):
    mine, theirs = make.setting(), make.setting("Oak Pre-school")
    my_room = make.room(mine, "Rainbow")
    make.room(theirs, "Sunshine")
    their_child = make.child(theirs, external_id="C1", first_name="Ada", last_name="Lee")
    make.contact(theirs, children=[their_child], external_id="P1", first_name="Ada", email="x@example.org")
    login_as(make.user(mine, role="pico"))
    theirs_before = _snapshot(theirs.id)

    @settings(max_examples=20, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(upload=uploads, posts=st.lists(mapping_posts, max_size=2), confirm=st.booleans())
    @example(upload=(SAME_IDS_AS_THEIRS, "families.csv"), posts=[], confirm=True)
    @example(upload=(SAME_IDS_AS_THEIRS, "families.csv"), posts=[{"col5": "room", "col4": ""}], confirm=True)
    def check(upload, posts, confirm):
        data, name = upload
        responses = [client.post("/import", data={"file": (io.BytesIO(data), name)},
                                 content_type="multipart/form-data")]
        for form in posts:
            responses.append(client.post("/import/map", data=form))
        page = client.get("/import/map")
        responses.append(page)
        if confirm:
            found = re.search(r'name="digest" value="([0-9a-f]+)"', page.get_data(as_text=True))
            responses.append(client.post("/import/confirm", data={"digest": found.group(1) if found else "x"}))
        responses += [client.get("/import/result"), client.get("/import/errors.csv")]
        assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]

        assert _snapshot(theirs.id) == theirs_before
        my_children = db.session.scalars(select(Child).where(Child.setting_id == mine.id)).all()
        assert {c.room_id for c in my_children} <= {None, my_room.id}
        cross = db.session.execute(
            select(ChildContact.id).join(Child, Child.id == ChildContact.child_id)
            .join(Contact, Contact.id == ChildContact.contact_id).where(Child.setting_id != Contact.setting_id)
        ).all()
        assert cross == []
        assert db.session.scalars(select(Room).where(Room.setting_id == mine.id)).all() == [my_room]

    check()
    assert db.session.scalars(select(Child).where(Child.setting_id == mine.id)).all()  # the examples imported
