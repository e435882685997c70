"""Builders shared by the survey tests."""
from __future__ import annotations

import re

from app.extensions import db
from app.surveys import services

LINK = re.compile(r"http://localhost(/l/\S+)")


def simple_survey(setting, mode: str = "confidential", **kw):
    """A survey of one section per screen: a likert, a choice (with a show-if text), a number, a text."""
    survey = services.create_survey(setting, "Our nursery", "Tell us", mode=mode)
    one = services.add_section(survey, "About us")
    like = services.add_question(one, "likert", "My child is happy.", required=True)
    pick = services.add_question(one, "single", "Best day?", options=["Monday", "Friday"])
    two = services.add_section(survey, "More")
    yes = services.add_question(two, "yesno", "Any ideas?")
    idea = services.add_question(two, "long_text", "Your idea", show_if=(yes, "yes"))
    count = services.add_question(two, "number", "How many children?", min_value=0, max_value=10)
    for key, value in kw.items():
        setattr(survey, key, value)
    db.session.flush()
    return survey, {"like": like, "pick": pick, "yes": yes, "idea": idea, "count": count}


def link_path(mail) -> str:
    """The personal link path in an email's plain text."""
    plain = mail.get_body(("plain",)).get_content()
    return LINK.search(plain).group(1)


def answer_all(client, survey, q, like="a", idea="More songs", count="2"):
    """Answer both screens and send; returns the final response."""
    first = client.post(f"/survey/{survey.id}/1", data={f"q{q['like'].id}": like,
                                                       f"q{q['pick'].id}": str(q["pick"].options[1].id)})
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    return client.post(f"/survey/{survey.id}/2", data={f"q{q['yes'].id}": "yes", f"q{q['idea'].id}": idea,
                                                      f"q{q['count'].id}": count, "action": "submit"})


def approve_all(survey, language: str) -> None:
    """Give every text of the survey an approved version in `language`."""
    from app.surveys.texts import keys_of, set_text

    for key, source in keys_of(survey):
        set_text(survey, key, language, f"[{language}] {source}", "approved")
    db.session.flush()
