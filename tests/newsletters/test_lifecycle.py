"""Schedule, cancel, preview, test send, uploads, web version and reads, notices and reminders."""
import io
from datetime import datetime, timezone

from sqlalchemy import select

from app.extensions import db
from app.messaging.sweep import send_due
from app.newsletters.models import Acknowledgement, IssueRead, IssueVersion
from newsletter_helpers import new_issue, parts, send_now, web_link, write

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _setup(make):
    setting = make.setting(name="Acorn Nursery")
    child = make.child(setting, first_name="Amira")
    en = make.contact(setting, children=[child], language="en", first_name="Eve")
    pl = make.contact(setting, children=[child], language="pl", first_name="Piotr")
    pico = make.user(setting, role="pico", email="pico@acorn.example")
    return setting, child, en, pl, pico


def test_scheduled_issue_goes_once_at_its_time_and_can_be_cancelled_before(make, login_as, smtp, frozen_clock):
    setting, child, en, pl, pico = _setup(make)
    client = login_as(pico)
    issue = new_issue(client)
    write(client, issue)
    # 23 Nov 2026 09:00 UTC; 10:30 London time (GMT in November) is 10:30 UTC.
    page = client.post(f"/newsletters/{issue.id}/send", data={"when": "later", "at": "2026-11-23T10:30"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Scheduled." in page
    client.post(f"/newsletters/{issue.id}/unschedule", follow_redirects=True)
    db.session.refresh(issue)
    assert issue.message_id is None
    write(client, issue, title="Edited news")
    client.post(f"/newsletters/{issue.id}/send", data={"when": "later", "at": "2026-11-23T10:30"})
    frozen_clock.advance(minutes=89)
    assert send_due() == [] and smtp.to(en.email) == []
    frozen_clock.advance(minutes=1)
    assert len(send_due()) == 1
    assert send_due() == []
    [got] = smtp.to(en.email)
    assert got["Subject"] == "Edited news"
    page = client.post(f"/newsletters/{issue.id}/unschedule", follow_redirects=True).get_data(as_text=True)
    assert "Too late" in page


def test_past_schedule_time_is_refused(make, login_as, frozen_clock):
    setting, child, en, pl, pico = _setup(make)
    client = login_as(pico)
    issue = new_issue(client)
    write(client, issue)
    page = client.post(f"/newsletters/{issue.id}/send", data={"when": "later", "at": "2026-11-22T10:30"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Choose a time in the future." in page
    db.session.refresh(issue)
    assert issue.message_id is None


def test_preview_in_any_language_shows_sms_segments_and_test_goes_to_me(make, login_as, smtp):
    setting, child, en, pl, pico = _setup(make)
    client = login_as(pico)
    issue = new_issue(client, channels="both")
    write(client, issue)
    write(client, issue, "pl", title="Wiadomości", body="Idziemy do parku.", sms="Wycieczka w piątek.",
          status="draft")
    page = client.get(f"/newsletters/{issue.id}/preview?contact={pl.id}&language=pl").get_data(as_text=True)
    assert "Wiadomości" in page and "Wycieczka w piątek. http://localhost/l/" in page
    assert "not approved yet" in page
    assert "UCS-2" in page  # Polish letters: 70 characters a segment
    page = client.get(f"/newsletters/{issue.id}/preview?contact={en.id}&language=so").get_data(as_text=True)
    assert "There is no Soomaali version" in page and "June news" in page and "GSM-7" in page
    client.post(f"/newsletters/{issue.id}/test", data={"contact": pl.id, "language": "pl"})
    [got] = smtp.to("pico@acorn.example")
    assert got["Subject"] == "[TEST] Wiadomości"
    assert smtp.to(pl.email) == [] and smtp.to(en.email) == []


def test_uploads_wrong_type_and_oversize_are_refused_pictures_are_served(make, login_as, client):
    setting, child, en, pl, pico = _setup(make)
    client = login_as(pico)
    issue = new_issue(client)
    page = client.post(f"/newsletters/{issue.id}/uploads", follow_redirects=True, data={
        "purpose": "image", "file": (io.BytesIO(b"<html><script>x</script>"), "evil.png")}).get_data(as_text=True)
    assert "That kind of file is not accepted" in page
    page = client.post(f"/newsletters/{issue.id}/uploads", follow_redirects=True, data={
        "purpose": "image", "file": (io.BytesIO(b"%PDF-1.4 x"), "menu.pdf")}).get_data(as_text=True)
    assert "That kind of file is not accepted" in page
    big = PNG + b"\x00" * (5 * 1024 * 1024)
    page = client.post(f"/newsletters/{issue.id}/uploads", follow_redirects=True, data={
        "purpose": "attachment", "file": (io.BytesIO(big), "big.png")}).get_data(as_text=True)
    assert "That file is too big" in page
    page = client.post(f"/newsletters/{issue.id}/uploads", follow_redirects=True, data={
        "purpose": "image", "file": (io.BytesIO(PNG), "garden.png")}).get_data(as_text=True)
    assert "Picture uploaded" in page
    url = page.split("](http://localhost")[1].split(")")[0]
    served = client.get(url)
    assert served.status_code == 200 and served.data == PNG and served.content_type == "image/png"
    client.post(f"/newsletters/{issue.id}/uploads", data={
        "purpose": "attachment", "file": (io.BytesIO(b"%PDF-1.4 menu"), "menu.pdf")})
    write(client, issue, body=f"Our garden:\n\n![garden](http://localhost{url})")
    client.get(f"/newsletters/{issue.id}/preview")
    from app.newsletters.services import message_versions

    db.session.refresh(issue)
    content = message_versions(issue)["en"]
    assert f'<img src="http://localhost{url}" alt="garden">' in content["body_html"]
    assert "menu.pdf: http://localhost/files/" in content["body_text"]


def test_web_version_counts_read_once_shows_parents_language_and_archive(make, login_as, smtp):
    setting, child, en, pl, pico = _setup(make)
    other_setting = make.setting(name="Elsewhere")
    stranger = make.contact(other_setting, children=[make.child(other_setting)])
    client = login_as(pico)
    issue = new_issue(client)
    write(client, issue)
    write(client, issue, "pl", title="Wiadomości czerwcowe", body="Idziemy do parku.")
    send_now(client, issue)
    [got] = smtp.to(pl.email)
    client.post("/logout")
    assert client.get(web_link(got).replace("http://localhost", "")).status_code == 302
    page = client.get(f"/news/{issue.id}").get_data(as_text=True)
    assert "Wiadomości czerwcowe" in page and "Idziemy do parku." in page
    assert "<img" not in page.split('id="main"')[1]  # no tracking pixel
    client.get(f"/news/{issue.id}")
    reads = db.session.scalars(select(IssueRead)).all()
    assert [r.contact_id for r in reads] == [pl.id]
    client2 = login_as(pico)
    listing = client2.get("/newsletters").get_data(as_text=True)
    row = listing.split("June news")[1].split("</tr>")[0]
    assert [c.split("<")[0] for c in row.split("<td>")[1:]] == ["Sent", "2", "2", "0", "1"]
    # the family page of the English parent lists the issue in the archive
    from app.parents.links import issue_link

    token = issue_link(en)
    db.session.commit()
    client2.get(f"/l/{token}")
    family = client2.get("/family").get_data(as_text=True)
    assert "Newsletters and notices" in family and "June news" in family
    # someone from another setting cannot open it
    token = issue_link(stranger)
    db.session.commit()
    client2.get(f"/l/{token}")
    assert client2.get(f"/news/{issue.id}").status_code == 404


def test_notice_acknowledged_once_and_reminder_goes_to_the_rest_only(make, login_as, smtp):
    setting, child, en, pl, pico = _setup(make)
    client = login_as(pico)
    issue = new_issue(client, kind="notice", requires_ack="y")
    write(client, issue, title="Sickness policy updated", body="Please read the new policy.")
    write(client, issue, "pl", title="Zmiana zasad", body="Prosimy przeczytać.")
    send_now(client, issue)
    [got] = smtp.to(pl.email)
    assert "confirm you have read and understood" not in parts(got)[0]  # Polish version
    client.post("/logout")
    client.get(web_link(got).replace("http://localhost", ""))
    page = client.get(f"/news/{issue.id}").get_data(as_text=True)
    assert "Zmiana zasad" in page
    client.post(f"/news/{issue.id}/ack")
    client.post(f"/news/{issue.id}/ack")
    [ack] = db.session.scalars(select(Acknowledgement)).all()
    assert (ack.contact_id, ack.language) == (pl.id, "pl")
    client = login_as(pico)
    page = client.get(f"/newsletters/{issue.id}").get_data(as_text=True)
    pending = page.split("Not acknowledged yet")[1]
    assert "Eve" in pending and "Piotr" not in pending
    client.post(f"/newsletters/{issue.id}/remind", data={"channels": "sms"})
    from app.messaging.models import Delivery

    reminder = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    assert (reminder.contact_id, reminder.channel, reminder.status) == (en.id, "sms", "sent")
    client.post(f"/newsletters/{issue.id}/remind", data={"channels": "email"})
    assert len(smtp.to(en.email)) == 2
    assert len(smtp.to(pl.email)) == 1
