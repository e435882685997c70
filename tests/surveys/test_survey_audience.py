"""Survey invitations use the newsletters' audience choices (shared app.messaging.audience_form)."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.surveys.models import Survey, SurveyInvitation
from tests.surveys.helpers import simple_survey

SETTINGS = {"what": "settings", "title": "Our nursery", "mode": "confidential", "reminder_days": "3",
            "channels": "email", "one_per_family": "every"}


def test_key_group_with_parental_responsibility_only(client, make, login_as, smtp):
    setting = make.setting()
    keyp, other_keyp = make.user(setting, role="key_person"), make.user(setting, role="key_person")
    child = make.child(setting, key_person=keyp)
    parent = make.contact(setting, children=[child], channels="email", parental_responsibility=True)
    carer = make.contact(setting, children=[child], channels="email", parental_responsibility=False)
    elsewhere = make.contact(setting, children=[make.child(setting, key_person=other_keyp)], channels="email")
    survey, _ = simple_survey(setting)
    login_as(make.user(setting, role="pico"))
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Families in these key groups" in page and "Only contacts with parental responsibility" in page
    saved = client.post(f"/surveys/{survey.id}", data={**SETTINGS, "audience_kind": "key_groups",
                                                       "key_groups": [keyp.id], "pr_only": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert survey.audience == {"kind": "key_groups", "ids": [keyp.id], "pr_only": True, "one_per_family": False}
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="key_groups"|<input[^>]*value="key_groups"[^>]*checked', page)
    client.post(f"/surveys/{survey.id}/send")
    assert len(smtp.to(parent.email)) == 1
    assert smtp.to(carer.email) == [] and smtp.to(elsewhere.email) == []
    assert [i.contact_id for i in db.session.scalars(select(SurveyInvitation))] == [parent.id]


def test_one_per_family_invites_only_the_first_contact(client, make, login_as, smtp):
    setting = make.setting()
    child = make.child(setting)
    first = make.contact(setting, children=[child], channels="email", priority=1)
    second = make.contact(setting, children=[child], channels="email", priority=2)
    survey, _ = simple_survey(setting)
    login_as(make.user(setting, role="pico"))
    client.post(f"/surveys/{survey.id}", data={**SETTINGS, "audience_kind": "all", "one_per_family": "one"})
    client.post(f"/surveys/{survey.id}/send")
    assert len(smtp.to(first.email)) == 1 and smtp.to(second.email) == []


def test_another_settings_room_cannot_be_chosen(client, make, login_as):
    setting, other = make.setting(), make.setting()
    mine, theirs = make.room(setting, name="Sunflowers"), make.room(other, name="Their room")
    survey, _ = simple_survey(setting)
    login_as(make.user(setting, role="pico"))
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Sunflowers" in page and "Their room" not in page
    bad = client.post(f"/surveys/{survey.id}", data={**SETTINGS, "audience_kind": "rooms", "rooms": [theirs.id]})
    assert bad.status_code == 200 and "Choose from the list." in bad.get_data(as_text=True)
    empty = client.post(f"/surveys/{survey.id}", data={**SETTINGS, "audience_kind": "rooms"})
    assert "Choose at least one room." in empty.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).audience == {}
    assert mine.id != theirs.id


def test_staff_of_another_setting_get_404(client, make, login_as):
    setting = make.setting()
    survey, _ = simple_survey(setting)
    login_as(make.user(make.setting(), role="pico"))
    assert client.get(f"/surveys/{survey.id}").status_code == 404
    assert client.post(f"/surveys/{survey.id}", data={**SETTINGS, "audience_kind": "all"}).status_code == 404
