"""The parent keeps their own details up to date; bad input re-renders and changes nothing."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.config import LANGUAGES
from app.extensions import db
from app.families.contact_details import normalise_email, normalise_mobile
from app.families.models import Contact
from app.parents import links


def _parent(client, make, **kw):
    setting = make.setting()
    contact = make.contact(setting, children=[make.child(setting, first_name="Amira")], first_name="Layla",
                           email="layla@example.org", mobile="+447700900123", **kw)
    token = links.issue_link(contact)
    db.session.commit()
    client.get(f"/l/{token}")
    return contact


def _post(client, **data):
    form = {"email": "layla@example.org", "mobile": "07700 900123", "language": "en", "channels": "both"}
    form.update(data)
    return client.post("/family", data=form)


def test_valid_changes_are_saved_normalised(client, make):
    contact = _parent(client, make)
    response = _post(client, email="  Layla.New@Example.org ", mobile="07700 900456", language="pl",
                     channels="sms")
    assert response.status_code == 302
    assert response.headers["Location"] == "/family"
    assert (contact.email, contact.mobile, contact.language, contact.channels) == (
        "Layla.New@example.org", "+447700900456", "pl", "sms")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.self_updated")).one()
    assert entry.actor_label == "parent (family link)"
    assert entry.object_id == contact.id
    page = client.get("/family").get_data(as_text=True)
    assert 'lang="pl"' in page  # now in the language just saved


def test_a_real_uk_mobile_in_local_form_becomes_e164(client, make):
    contact = _parent(client, make)
    assert _post(client, mobile="07911 123456").status_code == 302
    assert contact.mobile == "+447911123456"


def test_a_mobile_abroad_in_international_form_is_kept(client, make):
    contact = _parent(client, make)
    assert _post(client, mobile="+48 512 345 678").status_code == 302
    assert contact.mobile == "+48512345678"


def test_saving_confirms_in_the_new_language(client, make):
    _parent(client, make)
    response = _post(client, language="es")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gracias. Sus datos se han guardado." in page


def _error_next_to(page: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


def test_bad_input_rerenders_with_errors_next_to_fields_and_changes_nothing(client, make):
    contact = _parent(client, make)
    response = _post(client, email="not an email", mobile="12345", language="pl", channels="sms")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter an email address like name@example.com." in _error_next_to(page, "email")
    assert "Please enter a mobile number, for example 07700 900123." in _error_next_to(page, "mobile")
    assert 'aria-describedby="mobile-hint mobile-error"' in page
    assert 'class="error-summary"' in page
    assert 'value="not an email"' in page  # what they typed is kept for correcting
    assert (contact.email, contact.mobile, contact.language, contact.channels) == (
        "layla@example.org", "+447700900123", "en", "both")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_landline_is_not_a_mobile(client, make):
    contact = _parent(client, make)
    page = _post(client, mobile="01632 960000").get_data(as_text=True)
    assert "Please enter a mobile number" in _error_next_to(page, "mobile")
    assert contact.mobile == "+447700900123"


def test_chosen_channels_need_their_detail(client, make):
    contact = _parent(client, make)
    page = _post(client, email="", channels="both").get_data(as_text=True)
    assert "We need an email address to send you emails." in _error_next_to(page, "email")
    page = _post(client, mobile="", channels="sms").get_data(as_text=True)
    assert "We need a mobile number to send you text messages." in _error_next_to(page, "mobile")
    assert contact.email == "layla@example.org"
    assert _post(client, mobile="", channels="email").status_code == 302
    assert (contact.mobile, contact.channels) == (None, "email")


def test_unknown_language_or_channel_is_refused(client, make):
    contact = _parent(client, make)
    for data in ({"language": "xx"}, {"channels": "pigeon"}):
        page = _post(client, **data).get_data(as_text=True)
        assert "Please choose one of the options." in page
    assert (contact.language, contact.channels) == ("en", "both")


def test_errors_are_in_the_parents_language(client, make):
    _parent(client, make, language="pl")
    page = _post(client, email="nope", language="pl").get_data(as_text=True)
    assert 'lang="pl"' in page
    assert "Please enter an email address" not in page
    assert _error_next_to(page, "email")


def test_without_a_session_nothing_can_be_posted(client, make):
    setting = make.setting()
    contact = make.contact(setting, email="layla@example.org")
    response = _post(client, email="attacker@example.org")
    assert response.status_code == 403
    assert contact.email == "layla@example.org"


# --- random input never breaks the page and never stores a bad detail ---------------------------

FIELDS = ("email", "mobile", "language", "channels")
text = st.text(max_size=60)
odd = st.sampled_from(["", " ", "\x00", "a" * 300 + "@example.org", "x@xn--", "٠٧٧٠٠ ٩٠٠١٢٣", "+4477009001234567",
                       "07700 900123\x00", "<script>", "%(name)s", "ل@مثال.مصر"])
by_field = {
    "email": st.one_of(st.emails().map(str), text, odd),
    "mobile": st.one_of(st.from_regex(r"(\+44 ?7|07|\+48 ?5)[0-9 ]{8,12}", fullmatch=True), text, odd),
    "language": st.one_of(st.sampled_from(list(LANGUAGES)), text, odd),
    "channels": st.one_of(st.sampled_from(["both", "email", "sms"]), text, odd),
}
forms = st.fixed_dictionaries({}, optional=by_field).flatmap(
    lambda base: st.dictionaries(text.filter(lambda k: k not in FIELDS), text, max_size=3).map(
        lambda extra: {**base, **extra}))


def _stored_details_are_valid(contact: Contact) -> None:
    if contact.email is not None:
        assert normalise_email(contact.email) == contact.email and len(contact.email) <= 254
    if contact.mobile is not None:
        assert normalise_mobile(contact.mobile) == contact.mobile
    assert contact.language in LANGUAGES
    assert contact.channels in ("email", "sms", "both")
    assert (contact.email if contact.wants_email else True) and (contact.mobile if contact.wants_sms else True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=forms)
def test_random_posts_never_fail_and_never_store_bad_details(client, make, data):
    if not getattr(client, "_parent_opened", False):
        client._contact = _parent(client, make)
        client._parent_opened = True
    response = client.post("/family", data=data)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    if response.status_code == 200:  # the form again, in whatever language was last saved
        page = response.get_data(as_text=True)
        assert "Layla" in page and 'id="details-heading"' in page and 'class="error"' in page
    _stored_details_are_valid(db.session.get(Contact, client._contact.id))
