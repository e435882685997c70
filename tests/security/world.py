"""A seeded world for the authorisation matrix: setting A with one object of every kind a route
takes an id for (all reachable by family A), and setting B with its own manager and family.

Objects are made through the features' own services where they exist (a newsletter is really
sent, a survey really opened, ...), so the rows are the ones the app itself would write.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.activities import services as activities
from app.activities.models import Activity, ActivityVersion
from app.alerts import services as alerts
from app.alerts.models import Illness
from app.evidence.models import Action, ActionLink
from app.extensions import db
from app.families.models import ChildContact, Contact
from app.feedback import complaints
from app.feedback import services as feedback
from app.involvement import services as involvement
from app.involvement.models import Opportunity, VolunteerSlot
from app.lists import services as lists
from app.lists.models import SavedList
from app.messaging.models import DevOutboxItem, InboundSms
from app.messaging.render import unsubscribe_token
from app.newsletters import services as newsletters
from app.newsletters.content import save_upload
from app.newsletters.models import Issue, IssueVersion
from app.parents import links
from app.privacy.models import ExportJob
from app.surveys import services as surveys
from app.workshops import services as workshops
from app.workshops.calendar import feed_token
from app.workshops.models import Poll, PollSlot, Workshop, WorkshopText
from app.workshops.polls import send as send_poll

# The moment the whole matrix runs at (a Monday morning; the workshop is eight days later).
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
# Text that identifies each family (the seeded names): what the other setting must never see.
NAMES_A = ("Amelia", "Anna Ash", "anna@example.org", "900101")  # 900101: her mobile, however written
NAMES_B = ("Bartholomew", "Bronwen", "bronwen@example.net", "900202")
LINK_PURPOSES = ("family", "survey", "rsvp", "poll", "newsletter", "activities", "involve")


@dataclass
class World:
    """Ids of the seeded objects (plain values: the matrix runs outside the seeding session)."""

    ids: dict[str, object] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)  # role name -> email (password: tests.conftest.PASSWORD)
    tokens_a: dict[str, str] = field(default_factory=dict)  # purpose -> link token of family A's parent
    token_b: str = ""  # the family link of family B's parent


def seed(make) -> World:
    """Build both settings (commits)."""
    world = World()
    a = make.setting("Acorn Nursery", slug="setting-a")
    b = make.setting("Beech Pre-school", slug="setting-b", email="office@beech.example")
    toddlers, babies = make.room(a, "Toddlers"), make.room(a, "Babies")
    staff = {
        "manager": make.user(a, "manager", email="manager.a@example.org"),
        "pico": make.user(a, "pico", email="pico.a@example.org"),
        "key_person": make.user(a, "key_person", room=toddlers, email="key.a@example.org"),
        # The practitioner works in another room: family A is not theirs.
        "practitioner": make.user(a, "practitioner", room=babies, email="practitioner.a@example.org"),
        "manager_b": make.user(b, "manager", email="manager.b@example.org"),
    }
    world.staff = {role: user.email for role, user in staff.items()}
    manager = staff["manager"]

    child = make.child(a, room=toddlers, key_person=staff["key_person"], first_name="Amelia", last_name="Ash")
    parent = make.contact(a, children=[child], first_name="Anna", last_name="Ash", email="anna@example.org",
                          mobile="+447700900101", parental_responsibility=True, priority=1,
                          authorised_to_collect=True)
    room_b = make.room(b, "Owls")
    child_b = make.child(b, room=room_b, first_name="Bartholomew", last_name="Birch")
    parent_b = make.contact(b, children=[child_b], first_name="Bronwen", last_name="Birch",
                            email="bronwen@example.net", mobile="+447700900202", parental_responsibility=True,
                            priority=1)
    link_id = _link_id(child.id, parent.id)

    ids = world.ids
    ids.update(slug="setting-a", room=toddlers.id, child=child.id,
               contact=parent.id, link=link_id, user=staff["pico"].id)
    db.session.commit()

    ids.update(_newsletter(a, manager))
    ids.update(_activities(a, toddlers, manager))
    ids.update(_survey(a, manager))
    ids.update(_workshop_and_poll(a, manager))
    ids.update(_involvement(a, parent))
    ids.update(_feedback(a, parent, manager))
    ids.update(_alerts(a, child, manager))
    ids.update(_lists(a, parent))
    ids.update(_messages(a))
    ids.update(_privacy(a, parent, manager))
    ids.update(_action(a, child, manager))
    db.session.commit()
    # Setting B's own things of the kinds a parent opens, to show family A's links never reach them.
    for key, value in {**_newsletter(b, staff["manager_b"]), **_activities(b, room_b, staff["manager_b"]),
                       **_survey(b, staff["manager_b"]),
                       **_workshop_and_poll(b, staff["manager_b"])}.items():
        ids[f"b_{key}"] = value
    db.session.commit()

    parent, parent_b = db.session.get(Contact, parent.id), db.session.get(Contact, parent_b.id)
    for purpose in LINK_PURPOSES:
        scope = {"survey": ids["survey"], "rsvp": ids["workshop"], "poll": ids["poll"],
                 "newsletter": ids["issue"], "activities": ids["digest"]}.get(purpose)
        world.tokens_a[purpose] = links.issue_link(parent, purpose, scope_id=scope)
    world.token_b = links.issue_link(parent_b)

    ids["unsubscribe_token"] = unsubscribe_token(parent.id, "newsletter")
    ids["feed_token"] = feed_token(parent)
    db.session.commit()
    return world


def _link_id(child_id: int, contact_id: int) -> int:
    return db.session.scalar(select(ChildContact.id).where(ChildContact.child_id == child_id,
                                                           ChildContact.contact_id == contact_id))


def _newsletter(a, manager) -> dict:
    issue = Issue(setting_id=a.id, kind="notice", requires_ack=True, channels="email",
                  audience={"kind": "all", "ids": [], "pr_only": False, "one_per_family": False},
                  created_by_id=manager.id)
    issue.versions.append(IssueVersion(language="en", title="December news", body_md="We go to the **park**.",
                                       sms_text="Park on Friday.", status="approved"))
    db.session.add(issue)
    db.session.flush()
    upload = save_upload(a.id, issue.id, "note.pdf", b"%PDF-1.4\n%%EOF\n", images_only=False)
    newsletters.send(issue, user=manager)
    draft = Issue(setting_id=a.id, kind="newsletter", channels="email", audience={"kind": "all", "ids": []},
                  created_by_id=manager.id)
    draft.versions.append(IssueVersion(language="en", title="January news", body_md="Snow.", status="approved"))
    db.session.add(draft)
    db.session.flush()
    return {"issue": issue.id, "draft_issue": draft.id, "upload_key": upload.key, "upload_name": upload.filename,
            "message": issue.message_id}


def _activities(a, room, manager) -> dict:
    activity = Activity(setting_id=a.id, areas=["communication"], age_band="2-3")
    activity.versions.append(ActivityVersion(language="en", title="Puddle jumping", what_to_do="Jump.",
                                             status="approved"))
    db.session.add(activity)
    db.session.flush()
    digest = activities.create_digest(a, room, "Water and splashing", [activity.id])
    activities.send_digest(digest, user=manager)
    return {"activity": activity.id, "digest": digest.id}


def _survey(a, manager) -> dict:
    survey = surveys.create_survey(a, "Our nursery", "Tell us", mode="confidential")
    section = surveys.add_section(survey, "About us")
    question = surveys.add_question(section, "single", "Best day?", options=["Monday", "Friday"])
    surveys.add_section(survey, "More")
    survey.audience = {"kind": "all"}
    public_key = surveys.enable_public_link(survey)
    db.session.flush()
    surveys.open_and_invite(survey, user=manager)
    draft = surveys.create_survey(a, "Draft survey", "Not sent yet")
    draft_section = surveys.add_section(draft, "Only")
    draft_question = surveys.add_question(draft_section, "yesno", "Yes?")
    db.session.flush()
    return {"survey": survey.id, "survey_section": section.id, "survey_question": question.id,
            "public_key": public_key, "draft_survey": draft.id, "draft_section": draft_section.id,
            "draft_question": draft_question.id}


def _workshop_and_poll(a, manager) -> dict:
    start = NOW + timedelta(days=8, hours=1)
    workshop = Workshop(setting_id=a.id, setting=a, starts_at=start, ends_at=start + timedelta(hours=1),
                        venue="Family room", audience={"all": True}, default_language="en")
    workshop.texts = [WorkshopText(language="en", title="Messy play", description="Ideas for messy play.")]
    db.session.add(workshop)
    db.session.flush()
    workshops.send_invitations(workshop, "email", actor=manager)
    poll = Poll(setting_id=a.id, setting=a, title="Story time for parents", audience={"all": True})
    poll.slots = [PollSlot(starts_at=start + timedelta(days=i), ends_at=start + timedelta(days=i, hours=1))
                  for i in (1, 2)]
    db.session.add(poll)
    db.session.flush()
    send_poll(poll, "email", lambda slot, lang: slot.starts_at.isoformat())
    db.session.commit()
    return {"workshop": workshop.id, "poll": poll.id, "poll_slot": poll.slots[0].id}


def _involvement(a, parent) -> dict:
    member = involvement.ask_to_join(parent)
    opportunity = Opportunity(setting_id=a.id, title="Trip to the farm", description="Help on the bus.")
    opportunity.slots = [VolunteerSlot(starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=3),
                                       needed=2)]
    db.session.add(opportunity)
    db.session.flush()
    signup = involvement.offer_help(opportunity.slots[0], parent)
    involvement.add_interest(parent, "Baby signing")
    involvement.save_skills(parent, "Guitar")
    db.session.flush()
    return {"member": member.id, "opportunity": opportunity.id, "signup": signup.id}


def _feedback(a, parent, manager) -> dict:
    concern = feedback.submit(a.id, kind="concern", body="The gate was open.", route="link", language="en",
                              contact=parent)
    complaints.make_complaint(concern, actor=manager)
    idea = feedback.submit(a.id, kind="suggestion", body="More songs.", route="link", language="en",
                           contact=parent)
    db.session.flush()
    return {"feedback": idea.id, "complaint": concern.id}


def _alerts(a, child, manager) -> dict:
    db.session.add(alerts.options_for(a))  # saved, as after the manager's first visit
    illness = Illness(setting_id=a.id, name="Chickenpox", names={"en": "Chickenpox"},
                      guidance={"en": "Spots and a fever."})
    db.session.add(illness)
    alert, message_ids = alerts.raise_alert(child, manager)
    db.session.commit()
    alerts.dispatch(message_ids)
    return {"alert": alert.id, "illness": illness.id}


def _lists(a, parent) -> dict:
    saved = SavedList(setting_id=a.id, name="Forum parents")
    db.session.add(saved)
    db.session.flush()
    lists.add_contacts(saved, [parent.id])
    return {"list": saved.id}


def _action(a, child, manager) -> dict:
    """An action of the PICO's plan, for family A."""
    action = Action(setting_id=a.id, what="Phone the family", owner_id=manager.id, due_on=NOW.date())
    action.links = [ActionLink(child_id=child.id)]
    db.session.add(action)
    db.session.flush()
    return {"action": action.id}


def _privacy(a, parent, manager) -> dict:
    """A subject access export asked for (not yet run: its page shows progress)."""
    job = ExportJob(setting_id=a.id, subject_type="contact", subject_id=parent.id, requested_by_id=manager.id)
    db.session.add(job)
    db.session.flush()
    return {"export_job": job.id}


def _messages(a) -> dict:
    db.session.add(InboundSms(setting_id=a.id, from_number="+447700900101", body="Running late"))
    db.session.flush()
    item = db.session.scalar(select(DevOutboxItem.id).where(DevOutboxItem.setting_id == a.id)
                             .order_by(DevOutboxItem.id))
    return {"outbox_item": item}
