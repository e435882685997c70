"""A course whose sessions fall in two terms counts in each term by its sessions and their registers,
on the PICO's figures, the engagement levels and the family's ledger alike."""
from datetime import date

import pytest

from app.evidence import engagement
from app.evidence.figures import figures
from app.evidence.terms import term_containing
from app.extensions import db
from app.workshops.models import Rsvp, Workshop, WorkshopText
from app.workshops.services import mark_register
from tests.evidence.helpers import utc

AUTUMN = term_containing(date(2026, 11, 23))
SPRING = term_containing(date(2027, 1, 20))


@pytest.fixture
def course(make, frozen_clock):
    """Sessions on 10 December and 14 January. Ada's mum came to both, Ben's dad only in January, Cy's
    mum had a place and never came."""
    s = make.setting()
    kids = {name: make.child(s, first_name=name) for name in ("Ada", "Ben", "Cy")}
    parents = {name: make.contact(s, children=[kid]) for name, kid in kids.items()}
    course = Workshop(setting_id=s.id, starts_at=utc(2026, 12, 10, 17), ends_at=utc(2026, 12, 10, 18))
    course.set_sessions([(utc(2026, 12, 10, 17), utc(2026, 12, 10, 18)), (utc(2027, 1, 14, 17), utc(2027, 1, 14, 18))])
    db.session.add(course)
    db.session.flush()
    db.session.add(WorkshopText(workshop_id=course.id, language="en", title="Healthy eating course"))
    rsvps = {}
    for name, contact in parents.items():
        rsvps[name] = Rsvp(setting_id=s.id, workshop_id=course.id, contact_id=contact.id, party=f"c{contact.id}",
                           answer="yes", place="confirmed")
        db.session.add(rsvps[name])
    db.session.flush()
    december, january = course.sessions
    mark_register(course, {rsvps["Ada"].id}, december)
    mark_register(course, {rsvps["Ada"].id, rsvps["Ben"].id}, january)
    db.session.flush()
    return s, kids


def test_the_figures_count_the_course_in_both_terms_with_each_terms_register(course):
    setting, _ = course
    autumn, spring = figures(setting, AUTUMN), figures(setting, SPRING)
    assert (autumn.workshops, autumn.coming, autumn.attended) == (1, 3, 1)
    assert (spring.workshops, spring.coming, spring.attended) == (1, 3, 2)


def test_coming_in_january_counts_as_attending_in_the_spring_term_only(course):
    """Kinds of taking part per family: everyone answered the invitation in November (autumn)."""
    setting, _ = course

    def kinds(term):
        start, end = engagement.bounds(term.start, term.end, "Europe/London")
        return {row.child.first_name: row.kinds for row in engagement.families(setting.id, start, end, date(2027, 1, 20))}

    assert kinds(AUTUMN) == {"Ada": 2, "Ben": 1, "Cy": 1}
    assert kinds(SPRING) == {"Ada": 1, "Ben": 1, "Cy": 0}


def test_the_ledger_shows_each_session_came_to_in_its_own_term(course, frozen_clock, make, login_as):
    setting, kids = course
    frozen_clock.advance(days=58)  # 20 January 2027: spring is this term, autumn the last
    client = login_as(make.user(setting, role="pico"))

    def came(child, term):
        page = client.get(f"/evidence/families/{child.id}", query_string={"term": term}).get_data(as_text=True)
        return page.count("Came to Healthy eating course")

    assert (came(kids["Ada"], "autumn-2026"), came(kids["Ada"], "spring-2027")) == (1, 1)
    assert (came(kids["Ben"], "autumn-2026"), came(kids["Ben"], "spring-2027")) == (0, 1)
    assert (came(kids["Cy"], "autumn-2026"), came(kids["Cy"], "spring-2027")) == (0, 0)
