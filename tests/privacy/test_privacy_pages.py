"""The data-protection pages: managers of the setting only; reached from the contact and child pages."""
from __future__ import annotations

import pytest


def test_manager_reaches_the_pages_from_the_contact_and_child(client, login_as, seeded):
    staff = login_as(seeded.manager)
    assert f'href="/privacy/contacts/{seeded.contact.id}"' in staff.get(f"/contacts/{seeded.contact.id}").get_data(
        as_text=True)
    assert f'href="/privacy/families/{seeded.child.id}"' in staff.get(f"/children/{seeded.child.id}").get_data(
        as_text=True)
    page = staff.get(f"/privacy/families/{seeded.child.id}").get_data(as_text=True)
    assert "Zephyrine Quillfeather" in page and "Oberon Quillfeather" in page and "Type ERASE to confirm" in page
    assert "Data protection" in staff.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize("role", ["pico", "key_person", "practitioner"])
def test_other_roles_are_refused(client, login_as, make, seeded, role):
    staff = login_as(make.user(seeded.setting, role=role))
    for path in ("/privacy", f"/privacy/contacts/{seeded.contact.id}", f"/privacy/families/{seeded.child.id}",
                 "/privacy/retention"):
        assert staff.get(path).status_code == 403, path
    assert staff.post(f"/privacy/contact/{seeded.contact.id}/erase", data={"confirm": "ERASE"}).status_code == 403
    assert staff.post("/privacy/retention/run").status_code == 403


def test_managers_of_another_setting_get_404(client, login_as, make, seeded):
    staff = login_as(make.user(make.setting(name="Elsewhere"), role="manager"))
    assert staff.get(f"/privacy/contacts/{seeded.contact.id}").status_code == 404
    assert staff.get(f"/privacy/families/{seeded.child.id}").status_code == 404
    assert staff.post(f"/privacy/family/{seeded.child.id}/erase", data={"confirm": "ERASE"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, seeded):
    assert client.get("/privacy").status_code == 302
