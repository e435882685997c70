"""Importing families from an MIS export: good rows in, bad rows listed by line, re-import updates."""
from __future__ import annotations

import codecs
from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.families.import_upsert import import_table
from app.families.importer import guess_mapping, read_table
from app.families.models import Child, ChildContact, Contact
from tests.families.import_files import BAD_LINES, ROWS, realistic_csv, rooms_for


def _import(setting, data: bytes):
    table = read_table(data)
    result = import_table(setting, table, guess_mapping(table.headers))
    db.session.commit()
    return result


def _count(model, setting) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(model.setting_id == setting.id))


def test_good_rows_are_imported_and_bad_rows_listed_by_line(make):
    setting = make.setting()
    rooms = rooms_for(make, setting)
    result = _import(setting, realistic_csv())

    assert {row.line: row.errors for row in result.bad}.keys() == BAD_LINES.keys()
    for row in result.bad:
        assert BAD_LINES[row.line] in " ".join(row.errors), (row.line, row.errors)
    unknown_room = next(row for row in result.bad if row.line == 7).errors[0]
    assert "Moon" in unknown_room and "Rainbow, Sunshine" in unknown_room
    assert "line 2" in next(row for row in result.bad if row.line == 11).errors[0]

    amara = db.session.scalar(select(Child).where(Child.external_id == "C001"))
    assert (amara.first_name, amara.last_name, amara.date_of_birth) == ("Amara", "Okafor", date(2023, 1, 31))
    assert amara.room_id == rooms["Rainbow"].id and amara.start_date == date(2024, 9, 2)
    mother, stepfather = [link.contact for link in amara.links]
    assert (mother.first_name, mother.email, mother.mobile, mother.language, mother.channels) == (
        "Ngozi", "ngozi@example.org", "+447700900101", "en", "both")
    assert (stepfather.mobile, stepfather.language, stepfather.channels) == ("+447700900102", "pl", "sms")
    second = amara.links[1]
    assert (second.relationship_label, second.parental_responsibility, second.priority,
            second.authorised_to_collect) == ("Stepfather", False, 2, False)
    kacper = db.session.scalar(select(Child).where(Child.external_id == "C002"))
    assert [link.contact for link in kacper.links] == [stepfather]  # one contact, two children
    assert kacper.links[0].relationship_label == "Father"
    leo = db.session.scalar(select(Child).where(Child.external_id == "C003"))
    assert leo.links == []
    assert (_count(Child, setting), _count(Contact, setting)) == (3, 2)
    assert result.counts["children"]["created"] == 3 and result.counts["links"]["created"] == 3
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "families.imported"))
    assert entry.detail["good"] == 4 and entry.detail["bad"] == 5 and "Amara" not in str(entry.detail)


def test_reimport_creates_nothing_new_and_updates_changed_fields(make):
    setting = make.setting()
    rooms = rooms_for(make, setting)
    _import(setting, realistic_csv())
    links_before = db.session.scalar(select(func.count()).select_from(ChildContact))

    again = _import(setting, realistic_csv())
    assert again.counts == {kind: {"created": 0, "updated": 0, "unchanged": n}
                            for kind, n in (("children", 3), ("contacts", 2), ("links", 3))}

    changed = list(ROWS)
    changed[0] = changed[0].replace("07700 900101", "07700 900199").replace(",1,yes", ",1,no")
    changed[3] = changed[3].replace("Rainbow", "Sunshine")
    third = _import(setting, realistic_csv(changed))
    assert third.counts["children"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert third.counts["contacts"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert third.counts["links"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert (_count(Child, setting), _count(Contact, setting)) == (3, 2)
    assert db.session.scalar(select(func.count()).select_from(ChildContact)) == links_before
    ngozi = db.session.scalar(select(Contact).where(Contact.external_id == "P001"))
    assert ngozi.mobile == "+447700900199" and ngozi.links[0].authorised_to_collect is False
    assert db.session.scalar(select(Child).where(Child.external_id == "C003")).room_id == rooms["Sunshine"].id


def test_without_mis_ids_children_and_contacts_match_on_natural_keys(make):
    setting = make.setting()
    make.room(setting, "Rainbow")
    header = "First name,Last name,Date of birth,Room,Parent first name,Parent surname,Email,Mobile"
    rows = ["Ivy,Hall,2023-04-01,rainbow,Kate,Hall,family.hall@example.org,",
            # the other parent shares the family email: a different contact
            "Ivy,Hall,2023-04-01,Rainbow,Ben,Hall,family.hall@example.org,07700900301",
            # a contact with no email or phone, matched by name on the same child
            "Ivy,Hall,2023-04-01,Rainbow,Nan,Hall,,"]
    data = "\n".join([header, *rows]).encode()
    first = _import(setting, data)
    assert not first.bad
    assert first.counts["children"]["created"] == 1 and first.counts["contacts"]["created"] == 3
    second = _import(setting, data.replace(b"07700900301", b"07700900302"))
    assert second.counts["children"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert second.counts["contacts"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert (_count(Child, setting), _count(Contact, setting)) == (1, 3)


def test_a_child_made_by_hand_is_matched_and_given_its_mis_id(make):
    setting = make.setting()
    child = make.child(setting, first_name="Zoë", last_name="Ward", date_of_birth=date(2022, 2, 2))
    result = _import(setting, "Child ID,First name,Surname,DOB\nC9,ZOË,Ward,02/02/2022\n".encode())
    assert result.counts["children"] == {"created": 0, "updated": 1, "unchanged": 0}
    db.session.refresh(child)
    assert (child.external_id, child.first_name) == ("C9", "ZOË")


def test_windows_1252_file_with_semicolons(make):
    setting = make.setting()
    make.room(setting, "Pré-school")
    text = ("Child ID;Forename;Surname;DOB;Room;Contact forename;Contact surname;Email;Language\r\n"
            "C1;Zoë;Brontë;31/01/2023;Pré-school;Renée;Brontë;renee@example.org;Español\r\n")
    data = text.encode("cp1252")
    assert read_table(data).encoding == "cp1252"
    result = _import(setting, data)
    assert not result.bad
    child = db.session.scalar(select(Child).where(Child.setting_id == setting.id))
    assert (child.first_name, child.last_name, child.room.name) == ("Zoë", "Brontë", "Pré-school")
    contact = child.links[0].contact
    assert (contact.first_name, contact.language, contact.channels) == ("Renée", "es", "email")


def test_utf8_file_with_bom_as_excel_writes_it(make):
    setting = make.setting()
    text = ("Child ID,First name,Last name,Date of birth,Contact first name,Mobile,Preferred language\r\n"
            "C1,Łukasz,Wiśniewski,2023-01-31,Agnieszka,07700 900123,Polish\r\n")
    data = codecs.BOM_UTF8 + text.encode("utf-8")
    table = read_table(data)
    assert table.encoding == "utf-8-sig" and table.headers[0] == "Child ID"
    assert guess_mapping(table.headers)[0] == "child_external_id"
    result = _import(setting, data)
    assert not result.bad
    child = db.session.scalar(select(Child).where(Child.external_id == "C1"))
    assert child.first_name == "Łukasz"
    contact = child.links[0].contact
    assert (contact.first_name, contact.mobile, contact.language, contact.channels) == (
        "Agnieszka", "+447700900123", "pl", "sms")


def test_values_are_read_the_ways_staff_write_them(make):
    setting = make.setting()
    header = ("Child ID,First name,Surname,DOB,Contact ID,Contact first name,Email,Language,"
              "Parental responsibility,Channels")
    rows = ["C1,Ada,Lee,5/3/2023,P1,Ana,ANA@Example.ORG,Română,TRUE,email and sms",
            "C2,Bo,Lee,2023-03-05,P2,Ola,ola@example.org,pl-PL,N,text",
            "C3,Cy,Lee,05.03.2023 00:00,P3,Cat,cat@example.org,Believed to be English,0,E-mail"]
    result = _import(setting, "\n".join([header, *rows]).encode())
    assert not result.bad
    contacts = {c.external_id: c for c in db.session.scalars(select(Contact))}
    assert (contacts["P1"].language, contacts["P1"].channels, contacts["P1"].email) == ("ro", "both", "ANA@example.org")
    assert (contacts["P2"].language, contacts["P2"].channels) == ("pl", "sms")
    assert (contacts["P3"].language, contacts["P3"].channels) == ("en", "email")
    assert {c.date_of_birth for c in db.session.scalars(select(Child))} == {date(2023, 3, 5)}


def test_bad_values_make_the_row_bad_without_half_importing_it(make):
    setting = make.setting()
    header = "Child ID,First name,Surname,DOB,Contact ID,Contact first name,Email,Mobile,Priority,Authorised to collect"
    rows = ["C1,Ada,Lee,31/02/2023,,,,,,",            # line 2: no such date
            "C2,Bo,Lee,2023-03-05,P2,Ola,ola@example.org,+33 1 23 45 67 89,,",  # 3: a French landline
            "C3,Cy,Lee,2023-03-05,P3,,cat@example.org,,,",   # 4: contact without a first name
            "C4,Di,Lee,2023-03-05,P4,Dee,dee@example.org,,high,maybe",  # 5: two bad values
            "C5,Ed,Lee,2099-01-01,,,,,,",                # 6: born in the future
            ",Fay,Lee,,,,,,,"]                           # 7: no MIS id and no date of birth
    result = _import(setting, "\n".join([header, *rows]).encode())
    errors = {row.line: " ".join(row.errors) for row in result.bad}
    assert set(errors) == {2, 3, 4, 5, 6, 7}
    assert "not a real date" in errors[2]
    assert "Mobile" in errors[3] and "+33 1 23 45 67 89" in errors[3]
    assert "Contact first name" in errors[4]
    assert "Contact priority" in errors[5] and "Authorised to collect" in errors[5]
    assert "future" in errors[6]
    assert "MIS id or date of birth" in errors[7]
    assert _count(Child, setting) == 0 and _count(Contact, setting) == 0


def test_rows_that_disagree_about_one_person_are_flagged(make):
    setting = make.setting()
    data = ("Child ID,First name,Surname,DOB,Contact ID,Contact first name,Email\n"
            "C1,Ada,Lee,2023-03-05,P1,Ana,ana@example.org\n"
            "C1,Ada,Lee,2023-03-06,P2,Ben,ben@example.org\n").encode()
    result = _import(setting, data)
    assert [(row.line, row.errors) for row in result.bad] == [
        (3, ["Date of birth differs from line 2 for the same person."])]


def test_another_settings_families_and_rooms_are_never_touched(make):
    mine, theirs = make.setting(), make.setting("Oak Pre-school")
    make.room(theirs, "Rainbow")
    make.room(theirs, "Sunshine")
    their_child = make.child(theirs, external_id="C001", first_name="Other")
    their_contact = make.contact(theirs, children=[their_child], external_id="P001", first_name="Ngozi",
                                 email="ngozi@example.org")
    before = _import(mine, realistic_csv())
    assert before.good == 0  # their rooms are not mine
    assert "unknown room “Rainbow” (rooms: none yet" in before.bad[0].errors[0]

    rooms_for(make, mine)
    after = _import(mine, realistic_csv())
    assert after.counts["children"]["created"] == 3 and after.counts["contacts"]["created"] == 2
    db.session.refresh(their_child)
    db.session.refresh(their_contact)
    assert their_child.first_name == "Other" and their_contact.mobile != "+447700900101"
    assert [link.child for link in their_contact.links] == [their_child]
    assert _count(Child, theirs) == 1 and _count(Contact, theirs) == 1
    assert _count(Child, mine) == 3


def test_mapping_is_guessed_from_common_mis_headers():
    headers = ["UPN", "Legal Forename", "Legal Surname", "D.O.B.", "Reg Group", "Admission Date",
               "Parent/Carer 1 ID", "Parent/Carer 1 Forename", "Parent/Carer 1 Surname", "Relationship to pupil",
               "Has Parental Responsibility", "Contact 1 Email", "Mobile Tel", "Home Language", "Priority",
               "Can collect", "Favourite colour", "error"]
    assert guess_mapping(headers) == [
        "child_external_id", "child_first_name", "child_last_name", "date_of_birth", "room", "start_date",
        "contact_external_id", "contact_first_name", "contact_last_name", "relationship",
        "parental_responsibility", "email", "mobile", "language", "priority", "authorised_to_collect", "", ""]
    # unqualified names: the first pair is the child's, the second the contact's
    assert guess_mapping(["First name", "Surname", "First name", "Surname", "Email", "Email"]) == [
        "child_first_name", "child_last_name", "contact_first_name", "contact_last_name", "email", ""]
