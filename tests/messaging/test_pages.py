"""Staff pages: delivery report with progress, the development outbox, text replies; other settings 404."""
from sqlalchemy import select

from app.extensions import db
from app.messaging.models import Delivery, InboundSms
from app.messaging.services import send_now
from messaging_helpers import message


def _sent(make, queue=None):
    setting = make.setting()
    child = make.child(setting)
    make.contact(setting, children=[child], first_name="Ana", language="pl")
    make.contact(setting, children=[child], first_name="Bea", language="so")
    make.contact(setting, children=[child], first_name="Cal", restricted=True)
    make.contact(setting, children=[child], first_name="Dee", email=None)
    msg = message(setting, audience_label="Everyone")
    return setting, msg


def test_report_counts_reasons_and_fallbacks(make, login_as):
    setting, msg = _sent(make)
    send_now(msg.id)  # no SMTP configured: the development outbox channel
    client = login_as(make.user(setting, role="pico"))
    page = client.get(f"/messages/{msg.id}").get_data(as_text=True)
    assert 'value="4"' in page and 'max="4"' in page  # all four finished
    assert "No legal access / do not contact" in page and "Cal" in page
    assert "No email address" in page and "Dee" in page
    assert "Polski" in page
    fallback = page.split("family&#39;s own language was not written")[1][:60]
    assert "<strong>1</strong>" in fallback  # Bea (Somali) got English
    assert '<strong id="message-status">Finished</strong>' in page
    assert "<td>Email</td><td>Left out</td>" in page and "<td>Email</td><td>Sent</td>" in page
    for code in (">done<", ">suppressed<", ">sent<", ">email<"):
        assert code not in page  # plain words on staff screens, never the stored codes
    progress = client.get(f"/messages/{msg.id}/progress.json").get_json()
    assert (progress["sent"], progress["suppressed"], progress["total"], progress["status"]) == (2, 2, 4, "done")
    assert progress["status_label"] == "Finished"
    listing = client.get("/messages").get_data(as_text=True)
    assert "<td>Newsletter</td>" in listing and "<td>Finished</td>" in listing


def test_progress_while_sending_shows_refresh_link(make, login_as, queue):
    setting, msg = _sent(make)
    send_now(msg.id)
    queue.run(limit=1)  # expanded, nothing sent yet
    client = login_as(make.user(setting, role="manager"))
    page = client.get(f"/messages/{msg.id}").get_data(as_text=True)
    assert 'value="2"' in page and ">Refresh<" in page and 'data-sending="yes"' in page
    queue.run()
    assert client.get(f"/messages/{msg.id}/progress.json").get_json()["done"] == 4


def test_other_setting_and_practitioners_cannot_see_report(make, login_as):
    setting, msg = _sent(make)
    other = make.setting(name="Other")
    client = login_as(make.user(other, role="manager"))
    assert client.get(f"/messages/{msg.id}").status_code == 404
    assert client.get(f"/messages/{msg.id}/progress.json").status_code == 404


def test_practitioner_gets_403(make, login_as):
    setting, msg = _sent(make)
    client = login_as(make.user(setting, role="practitioner"))
    assert client.get(f"/messages/{msg.id}").status_code == 403


def test_development_outbox_shows_what_each_parent_receives(make, login_as):
    setting, msg = _sent(make)
    send_now(msg.id)
    client = login_as(make.user(setting, role="pico"))
    page = client.get("/outbox").get_data(as_text=True)
    assert "Outbox (development)" in page
    assert "Wiadomości z przedszkola" in page and "Nursery news" in page
    row = db.session.scalar(select(Delivery).where(Delivery.language == "pl"))
    item_id = int(row.provider_id.removeprefix("outbox-"))
    item = client.get(f"/outbox/{item_id}").get_data(as_text=True)
    assert "W piątek idziemy do parku." in item and "List-Unsubscribe" in item


def test_outbox_item_of_another_setting_is_404(make, login_as):
    setting, msg = _sent(make)
    send_now(msg.id)
    row = db.session.scalar(select(Delivery).where(Delivery.status == "sent"))
    item_id = int(row.provider_id.removeprefix("outbox-"))
    other = make.setting(name="Other")
    client = login_as(make.user(other))
    assert client.get(f"/outbox/{item_id}").status_code == 404
    assert "W piątek" not in client.get("/outbox").get_data(as_text=True)


def test_replies_page_lists_texts(make, login_as):
    setting, msg = _sent(make)
    db.session.add(InboundSms(setting_id=setting.id, from_number="+447700900301", body="See you there"))
    client = login_as(make.user(setting, role="pico"))
    assert "See you there" in client.get("/messages/replies").get_data(as_text=True)
