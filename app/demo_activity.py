"""What the demo setting has been doing this term: newsletters, a questionnaire, a course, the forum,
feedback and the PICO's action plan, so every page a newcomer opens has something on it.

Everything goes through the features' own services (as a PICO using the screens would), and is sent
through the messaging core to the development outbox. The queued sending jobs run inline while the
demo is seeded, so everything is sent before any worker starts (`make run` starts one later).
"""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.clock import utcnow
from app.evidence.models import DONE, IN_PROGRESS, PLANNED, Action, ActionLink
from app.extensions import db
from app.families.models import Contact, Room
from app.feedback import services as feedback
from app.involvement import services as involvement
from app.involvement.models import Opportunity, VolunteerSlot
from app.newsletters import services as newsletters
from app.newsletters.models import Issue, IssueVersion
from app.security import MANAGER, PICO
from app.surveys import answering
from app.surveys import services as surveys
from app.surveys.models import SurveyInvitation
from app.tasks import QUEUES
from app.workshops import notices
from app.workshops import services as workshops
from app.workshops.models import YES, Workshop

EVERYONE = {"kind": "all", "ids": [], "pr_only": False, "one_per_family": False}
SEND_CAPS = ("EMAIL_RATE", "SMS_RATE")  # app.messaging.dispatch reads them per batch
SURVEY_RESPONSES = 7
ACKNOWLEDGEMENTS = 3
# (likert, likert, rating, [channels], wants another language, better) of each demo response.
ANSWERS = (
    ("sa", "sa", "5", [0, 2], "no", "More photos of what they did in the day."),
    ("a", "a", "4", [0], "yes", ""),
    ("sa", "a", "5", [1, 2], "no", "A later pick-up on Fridays would help us."),
    ("a", "n", "3", [0, 1], "no", "I'd like to know more about what my son eats."),
    ("sa", "sa", "4", [2], "yes", ""),
    ("n", "a", "3", [1], "no", "Earlier notice of trips, please."),
    ("a", "sa", "5", [0], "no", ""),
)


@contextmanager
def sending_inline():
    """Run queued jobs at once, in this process (as the test suite does), with no per-second send caps
    (every demo address is reserved, and a capped batch would wait on the queue for a worker); then
    queue and cap as before."""
    before = [queue._immediate for queue in QUEUES]
    caps = {name: current_app.config.get(name) for name in SEND_CAPS}
    for queue in QUEUES:
        queue._immediate = True
    current_app.config.update(dict.fromkeys(SEND_CAPS))
    try:
        yield
    finally:
        for queue, immediate in zip(QUEUES, before):
            queue._immediate = immediate
        current_app.config.update(caps)


def seed_activity(setting) -> None:
    """This term's work of the demo setting (commits as it sends)."""
    staff = {u.role: u for u in db.session.scalars(select(User).where(User.setting_id == setting.id)
                                                    .order_by(User.id))}
    pico, manager = staff[PICO], staff[MANAGER]
    parents = db.session.scalars(
        select(Contact).where(Contact.setting_id == setting.id, Contact.restricted.is_(False),
                              Contact.email.is_not(None)).order_by(Contact.id)).all()
    today = utcnow().date()
    with sending_inline():
        _newsletters(setting, pico, parents)
        _questionnaire(setting, pico)
        _course(setting, pico, parents, today)
        _involvement(setting, pico, parents, today)
        _feedback(setting, pico, parents)
    _actions(setting, pico, manager, today)
    db.session.commit()


def _issue(setting, pico, kind: str, versions: list[IssueVersion], **fields) -> Issue:
    issue = Issue(setting_id=setting.id, kind=kind, audience=EVERYONE, created_by_id=pico.id, **fields)
    issue.versions.extend(versions)
    db.session.add(issue)
    db.session.flush()
    return issue


def _newsletters(setting, pico, parents) -> None:
    news = _issue(setting, pico, "newsletter", [
        IssueVersion(language="en", status="approved", title="November news from Wyverley Brook",
                     body_md="This month the Toddlers have been **making bird feeders** for the garden, and "
                             "Pre-school walked to the library.\n\nThank you to everyone who came to stay and "
                             "play. Please label your child's coats and wellies: it is getting muddy!",
                     sms_text="Our November newsletter is ready to read."),
        IssueVersion(language="pl", status="approved", title="Listopadowe wiadomości z Wyverley Brook",
                     body_md="W tym miesiącu maluchy **robiły karmniki dla ptaków** do ogrodu, a grupa "
                             "przedszkolna poszła pieszo do biblioteki.\n\nDziękujemy wszystkim, którzy przyszli "
                             "na wspólną zabawę. Prosimy podpisać kurtki i kalosze dziecka: robi się błotniście!",
                     sms_text="Nasz listopadowy biuletyn jest gotowy do przeczytania."),
    ], channels="both")
    newsletters.send(news, user=pico)
    for contact in parents[:12:3]:
        newsletters.mark_read(news, contact)

    notice = _issue(setting, pico, "notice", [
        IssueVersion(language="en", status="approved", title="Change to collection times in December",
                     body_md="From Monday 1 December the front door opens for collection at **5.15pm**, not "
                             "5.30pm, while the car park is resurfaced. Please tell us you have seen this.",
                     sms_text="Collection from 5.15pm in December. Please confirm you have seen this."),
    ], channels="both", requires_ack=True)
    newsletters.send(notice, user=pico)
    for contact in parents[1:1 + 2 * ACKNOWLEDGEMENTS:2]:
        newsletters.acknowledge(notice, contact, contact.language)

    _issue(setting, pico, "newsletter", [
        IssueVersion(language="en", title="Christmas at Wyverley Brook",
                     body_md="Our nativity is on the last Thursday of term. Families are welcome from 2pm.")])
    db.session.commit()


def _questionnaire(setting, pico) -> None:
    survey = surveys.from_template(setting, "annual")
    survey.audience = {"kind": "all"}
    survey.closes_at = datetime.combine(utcnow().date() + timedelta(days=21), time(23, 59), timezone.utc)
    db.session.flush()
    surveys.open_and_invite(survey, user=pico)
    questions = [q for section in survey.sections for q in section.questions]  # the template's order
    invitations = db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id)
                                     .order_by(SurveyInvitation.contact_id)).all()
    for invitation, answers in zip(invitations[::4], ANSWERS[:SURVEY_RESPONSES]):
        happy, key_person, rating, heard, language, better = answers
        choices = questions[3].options
        values = {questions[0].id: [happy], questions[1].id: [key_person], questions[2].id: [rating],
                  questions[3].id: [str(choices[i].id) for i in heard], questions[4].id: [language]}
        if language == "yes":
            values[questions[5].id] = ["Polish"]
        if better:
            values[questions[6].id] = [better]
        answerer = answering.Answerer(survey, secrets.token_urlsafe(16), invitation, invitation.contact_id)
        response, _values = answering.save_screen(answerer, None, questions, values, {}, invitation.language)
        answering.submit(answerer, response)
    db.session.commit()


def _course(setting, pico, parents, today) -> None:
    first = datetime.combine(today + timedelta(days=(3 - today.weekday()) % 7 + 7), time(9, 30), timezone.utc)
    sessions = [(first + timedelta(weeks=week), first + timedelta(weeks=week, hours=1, minutes=30))
                for week in (0, 1)]
    course = Workshop(setting_id=setting.id, setting=setting, default_language="en")
    workshops.save_workshop(course, texts={"en": (
        "Talking with your toddler",
        "Two mornings of songs, stories and easy ways to help your child's talking at home. "
        "Little ones are welcome in the crèche.")}, fields={
        "kind": "course", "venue": "Family room", "capacity": 12, "creche": True, "audience": {"all": True},
        "starts_at": sessions[0][0], "ends_at": sessions[-1][1]}, sessions=sessions, actor=pico)
    notices.start(workshops.send_invitations(course, "email", actor=pico))
    for n, contact in enumerate(parents[2:30:5]):
        _rsvp, messages = workshops.answer(course, contact, workshops.RsvpData(
            answer=YES, adults=1, children=n % 2, creche_places=n % 2))
        for message_id in messages:
            notices.start(message_id)
    db.session.commit()


def _involvement(setting, pico, parents, today) -> None:
    member = involvement.ask_to_join(parents[3])
    involvement.accept(member, today - timedelta(days=40), None, role="Chair", actor=pico)
    involvement.ask_to_join(parents[8])  # waiting for the PICO to accept
    garden = datetime.combine(today + timedelta(days=(5 - today.weekday()) % 7 + 7), time(10), timezone.utc)
    opportunity = Opportunity(setting_id=setting.id, title="Garden tidy-up morning",
                              description="Help us plant bulbs and clear the leaves. Bring gloves if you have them.")
    opportunity.slots = [VolunteerSlot(starts_at=garden, ends_at=garden + timedelta(hours=2), needed=4)]
    db.session.add(opportunity)
    db.session.flush()
    involvement.confirm(involvement.offer_help(opportunity.slots[0], parents[5]), actor=pico)
    involvement.offer_help(opportunity.slots[0], parents[11])
    db.session.commit()


def _feedback(setting, pico, parents) -> None:
    polish = next(c for c in parents if c.language == "pl")
    feedback.submit(setting.id, kind="suggestion", body="Czy w bibliotece mogłoby być więcej książek po polsku?",
                    route="link", language="pl", contact=polish)
    feedback.submit(setting.id, kind="compliment", body="My daughter loves the new mud kitchen. Thank you!",
                    route="link", language=parents[6].language, contact=parents[6])
    db.session.commit()
    feedback.you_said_we_did(setting, {"en": (
        "You said the lending library needed more books in home languages. We have bought 40 picture books "
        "in Polish, Urdu, Romanian and Somali; ask at the door to borrow them.")}, pico)


def _actions(setting, pico, manager, today) -> None:
    babies = db.session.scalar(select(Room).where(Room.setting_id == setting.id, Room.name == "Babies"))
    plan = (
        ("Ask the Polish-speaking forum parent to check the questionnaire's Polish wording", PLANNED,
         today + timedelta(days=10), [ActionLink(language="pl")], pico),
        ("Run a stay-and-play session for the Babies room families", IN_PROGRESS, today + timedelta(days=24),
         [ActionLink(room_id=babies.id)], manager),
        ("Have the November newsletter translated into Polish", DONE, today - timedelta(days=2),
         [ActionLink(language="pl")], pico),
    )
    for what, status, due, links, owner in plan:
        action = Action(setting_id=setting.id, what=what, owner_id=owner.id, due_on=due, status=status,
                        created_by_id=pico.id, closed_on=today if status == DONE else None,
                        outcome="Approved Polish version sent with the newsletter." if status == DONE else "")
        action.links = links
        db.session.add(action)
    db.session.flush()
