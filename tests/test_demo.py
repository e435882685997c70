"""`flask seed-demo`: the invented settings a newcomer meets on `make run`."""
from __future__ import annotations

import re
from datetime import date, timedelta

import phonenumbers
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.clock import utcnow
from app.config import LANGUAGES
from app.demo import DEMO_PASSWORD, MAIN_SLUG, SECOND_SLUG, build_plan
from app.extensions import db
from app.families.models import Child, ChildContact, Contact, Room
from app.messaging.models import Delivery, DevOutboxItem, Message
from app.newsletters.models import Issue
from app.privacy.crypto import unseal
from app.settings.models import Setting
from app.surveys.models import Survey
from app.tasks import QUEUES
from app.workshops.models import Workshop

SAFE_EMAIL = re.compile(r"^[a-z0-9.]+@example\.(org|com|net)$")


def seed(app, *args: str):
    result = app.test_cli_runner().invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def setting(slug: str) -> Setting:
    return db.session.scalar(select(Setting).where(Setting.slug == slug))


def contacts_of(s: Setting) -> list[Contact]:
    return db.session.scalars(select(Contact).where(Contact.setting_id == s.id)).all()


def children_of(s: Setting) -> list[Child]:
    return db.session.scalars(select(Child).where(Child.setting_id == s.id)).all()


def test_main_setting_has_rooms_children_and_contacts_in_every_language(app, frozen_clock):
    seed(app)
    main = setting(MAIN_SLUG)
    today = utcnow().date()
    rooms = db.session.scalars(select(Room.name).where(Room.setting_id == main.id)).all()
    assert sorted(rooms) == ["Babies", "Pre-school", "Toddlers"]

    children = children_of(main)
    assert 38 <= len(children) <= 45
    assert len([c for c in children if c.has_left(today)]) == 2
    for child in children:
        assert today - timedelta(days=5 * 366) < child.date_of_birth < today
        assert child.date_of_birth < child.start_date <= today
        assert child.key_person.role == "key_person" and child.key_person.setting_id == main.id
        assert child.room.setting_id == main.id and child.links

    contacts = contacts_of(main)
    assert 65 <= len(contacts) <= 75
    assert {c.language for c in contacts} == set(LANGUAGES)
    sms_only = [c for c in contacts if c.channels == "sms" and c.mobile and not c.email]
    email_only = [c for c in contacts if c.channels == "email" and c.email and not c.mobile]
    assert len(sms_only) >= 3 and len(email_only) >= 3


def test_households_are_as_varied_as_real_ones(app, frozen_clock):
    seed(app)
    main = setting(MAIN_SLUG)
    contacts = contacts_of(main)
    # Siblings share their contacts.
    assert sum(1 for c in contacts if len(c.links) >= 2) >= 6
    # Separated parents: both with parental responsibility, one at another address.
    separated = [link for c in contacts for link in c.links if "separate address" in link.relationship_label]
    assert separated
    for link in separated:
        others = [other for other in link.child.links if other is not link]
        assert link.parental_responsibility and any(o.parental_responsibility for o in others)
        assert link.contact.email and all(o.contact.email != link.contact.email for o in others)
    # A grandparent who may collect but has no parental responsibility.
    grandparents = [link for c in contacts for link in c.links if link.relationship_label == "Grandmother"]
    assert grandparents
    assert all(link.authorised_to_collect and not link.parental_responsibility for link in grandparents)
    assert any(link.collection_password_note for link in grandparents)


def test_one_restricted_contact_set_by_the_manager_and_audited(app, client, frozen_clock):
    seed(app)
    main = setting(MAIN_SLUG)
    restricted = [c for c in contacts_of(main) if c.restricted]
    assert len(restricted) == 1
    contact = restricted[0]
    assert "court order" in contact.restricted_reason.lower()
    assert contact.restricted_by.role == "manager" and contact.restricted_at is not None
    assert not any(link.authorised_to_collect for link in contact.links)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contact.restricted"))
    assert entry.object_id == contact.id and entry.actor_id == contact.restricted_by_id
    assert entry.setting_id == main.id and unseal(entry.detail["reason"]) == contact.restricted_reason

    client.post("/login", data={"email": "manager@example.org", "password": DEMO_PASSWORD})
    page = client.get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "No legal access" in page


def test_exactly_one_family_cannot_be_reached(app, frozen_clock):
    seed(app)
    unreachable = [c for c in contacts_of(setting(MAIN_SLUG)) if not c.email and not c.mobile]
    assert len(unreachable) == 1
    child = unreachable[0].links[0].child
    assert all(not link.contact.email and not link.contact.mobile for link in child.links)


def test_nobody_real_can_be_contacted(app, frozen_clock):
    seed(app)
    contacts = db.session.scalars(select(Contact)).all()
    mobiles = [c.mobile for c in contacts if c.mobile]
    assert len(mobiles) == len(set(mobiles)) > 50
    for mobile in mobiles:
        number = phonenumbers.parse(mobile, None)
        assert number.country_code == 44 and 7700900000 <= number.national_number <= 7700900999, mobile
        assert mobile == f"+44{number.national_number}"
    emails = [c.email for c in contacts if c.email] + db.session.scalars(select(User.email)).all()
    emails += [s.email for s in db.session.scalars(select(Setting))]
    assert all(SAFE_EMAIL.match(email) for email in emails), [e for e in emails if not SAFE_EMAIL.match(e)]


def test_a_second_setting_is_separate(app, client, frozen_clock):
    output = seed(app)
    second = setting(SECOND_SLUG)
    assert second is not None and "Oakfield Village Pre-school" in output
    assert 4 <= len(children_of(second)) <= 8
    client.post("/login", data={"email": "oakfield.manager@example.org", "password": DEMO_PASSWORD})
    page = client.get("/children").get_data(as_text=True)
    main_child = children_of(setting(MAIN_SLUG))[0]
    assert children_of(second)[0].first_name in page
    assert client.get(f"/children/{main_child.id}").status_code == 404


@pytest.mark.parametrize("email", ["manager@example.org", "pico@example.org", "keyperson@example.org",
                                   "practitioner@example.org", "oakfield.manager@example.org"])
def test_every_printed_login_works(app, client, frozen_clock, email):
    output = seed(app)
    assert email in output and DEMO_PASSWORD in output
    assert f"Open http://127.0.0.1:{app.config['PORT']} " in output
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == email))
    page = client.get("/children").get_data(as_text=True)
    everyone = children_of(user.setting)
    visible = {c.id for c in everyone if f"/children/{c.id}\"" in page}
    on_roll = {c.id for c in everyone if not c.has_left(utcnow().date())}
    if user.role in ("manager", "pico"):
        assert on_roll <= visible
    else:  # a key person or practitioner sees their own room and key children only
        assert 0 < len(visible) < len(on_roll)
        assert all(c.room_id == user.room_id or c.key_person_id == user.id for c in everyone if c.id in visible)


def test_the_printed_family_link_opens_that_parents_page(app, client, frozen_clock):
    output = seed(app)
    match = re.search(rf"http://127\.0\.0\.1:{app.config['PORT']}(/l/\S+)", output)
    assert match, output
    response = client.get(match.group(1))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200


def test_if_empty_loads_once_and_then_only_reminds(app, frozen_clock):
    first = seed(app, "--if-empty")
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in
              (Setting, User, Child, Contact, ChildContact, AuditEntry)]
    second = seed(app, "--if-empty")
    again = [db.session.scalar(select(func.count()).select_from(model)) for model in
             (Setting, User, Child, Contact, ChildContact, AuditEntry)]
    assert again == counts
    assert "loaded" in first and "loaded" not in second
    assert "manager@example.org" in second and "/l/" not in second

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1 and "already" in result.output


def test_if_empty_leaves_a_real_install_alone(app, make):
    make.setting(name="A real nursery")
    db.session.commit()
    output = seed(app, "--if-empty")
    assert "no demo data loaded" in output
    assert db.session.scalar(select(func.count()).select_from(Setting)) == 1
    assert db.session.scalar(select(func.count()).select_from(Child)) == 0


def test_refused_in_production(app):
    app.config["ENV_NAME"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code == 1 and "production" in result.output
    assert db.session.scalar(select(func.count()).select_from(Setting)) == 0


def test_the_demo_is_the_same_every_time(app, frozen_clock):
    today = date(2026, 11, 23)
    assert build_plan(today) == build_plan(today)
    assert build_plan(today, seed=1) != build_plan(today, seed=2)
    seed(app)
    planned = sorted(f"{c.first_name} {c.last_name}" for p in build_plan(utcnow().date())
                     for f in p.families for c in f.contacts)
    stored = sorted(c.full_name for c in db.session.scalars(select(Contact)))
    assert stored == planned


def staff_page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_pico_finds_this_terms_work_on_every_page(app, client, frozen_clock):
    seed(app, "--if-empty")
    client.post("/login", data={"email": "pico@example.org", "password": DEMO_PASSWORD})

    dashboard = staff_page(client, "/evidence/")
    on_roll = len([c for c in children_of(setting(MAIN_SLUG)) if not c.has_left(utcnow().date())])
    # The unreachable family is the only one no message got through to.
    reached = re.search(r"Families reached.*?This term\s*(?:<[^>]+>\s*)*(\d+) of (\d+)", dashboard)
    assert reached and reached.groups() == (str(on_roll - 1), str(on_roll)), reached

    news = staff_page(client, "/newsletters")
    for title in ("November news from Wyverley Brook", "Change to collection times in December",
                  "Christmas at Wyverley Brook"):
        assert title in news
    issue = db.session.scalar(select(Issue).where(Issue.kind == "notice"))
    notice = staff_page(client, f"/newsletters/{issue.id}")
    assert "Acknowledged: 3</li>" in notice and "Not acknowledged yet" in notice
    sent = db.session.scalar(select(Issue).where(Issue.kind == "newsletter", Issue.message_id.is_not(None)))
    assert {v.language: v.status for v in sent.versions} == {"en": "approved", "pl": "approved"}
    assert db.session.scalar(select(func.count()).select_from(DevOutboxItem)
                             .where(DevOutboxItem.setting_id == sent.setting_id)) > 100

    survey = db.session.scalar(select(Survey))
    assert survey.title == "Annual parent questionnaire" and survey.mode == "confidential"
    assert "Annual parent questionnaire" in staff_page(client, "/surveys")
    results = staff_page(client, f"/surveys/{survey.id}/results")
    assert "My child is happy and settled at the nursery." in results
    assert "A later pick-up on Fridays would help us." in results

    workshops = staff_page(client, "/workshops")
    assert "Talking with your toddler" in workshops
    course = db.session.scalar(select(Workshop))
    assert len(course.sessions) == 2 and course.kind == "course"
    assert course.sessions[0].starts_at.date() > utcnow().date()
    assert sum(1 for r in course.rsvps if r.answer == "yes") >= 5

    involvement = staff_page(client, "/involvement")
    assert "Garden tidy-up morning" in involvement and "Chair" in involvement
    assert "mud kitchen" in staff_page(client, "/staff/feedback")

    actions = staff_page(client, "/evidence/actions")
    assert "Run a stay-and-play session for the Babies room families" in actions
    assert "1 of 3 done" in actions


def test_seeding_sends_everything_itself_with_no_worker_running(app, frozen_clock, monkeypatch):
    for queue in QUEUES:  # as under `make run`: jobs wait on the queue for a worker
        monkeypatch.setattr(queue, "_immediate", False)
        queue.flush()
    monkeypatch.setitem(app.config, "EMAIL_RATE", "50 per second")  # the development defaults
    monkeypatch.setitem(app.config, "SMS_RATE", "10 per second")
    seed(app, "--if-empty")
    assert [queue.pending_count() + queue.scheduled_count() for queue in QUEUES] == [0, 0]
    assert all(not queue._immediate for queue in QUEUES)
    assert (app.config["EMAIL_RATE"], app.config["SMS_RATE"]) == ("50 per second", "10 per second")
    statuses = set(db.session.scalars(select(Delivery.status)))
    assert statuses and statuses <= {"sent", "delivered", "suppressed"}, statuses
    assert set(db.session.scalars(select(Message.status))) == {"done"}
