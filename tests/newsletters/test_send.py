"""Composing and sending an issue: languages, fallbacks, suppression, unsafe Markdown, refusals."""
from sqlalchemy import select

from app.extensions import db
from app.families.models import Child
from app.messaging.models import Delivery, Unsubscribe
from newsletter_helpers import new_issue, parts, send_now, web_link, write


def _families(make):
    setting = make.setting(name="Acorn Nursery")
    child = make.child(setting)
    people = {lang: make.contact(setting, children=[child], language=lang, first_name=f"P{lang}")
              for lang in ("en", "pl", "so", "ro")}
    people["restricted"] = make.contact(setting, children=[child], restricted=True, first_name="Court")
    people["unsubscribed"] = make.contact(setting, children=[child], first_name="Gone")
    db.session.add(Unsubscribe(setting_id=setting.id, contact_id=people["unsubscribed"].id, category="newsletter"))
    db.session.commit()
    pico = make.user(setting, role="pico")
    return setting, people, pico


def test_each_contact_gets_their_approved_language_else_default_and_staff_see_fallbacks(make, login_as, smtp):
    setting, people, pico = _families(make)
    client = login_as(pico)
    issue = new_issue(client)
    write(client, issue, "en", title="June news", body="We go to the **park**.")
    write(client, issue, "pl", title="Wiadomości czerwca", body="Idziemy do **parku**.")
    write(client, issue, "ro", title="Știri (ciornă)", body="Mergem în parc.", status="needs_review")
    page = client.get(f"/newsletters/{issue.id}").get_data(as_text=True)
    assert "Soomaali" in page and "Missing: they will get the default language" in page
    send_now(client, issue)
    [pl] = smtp.to(people["pl"].email)
    [so] = smtp.to(people["so"].email)
    [ro] = smtp.to(people["ro"].email)
    assert pl["Subject"] == "Wiadomości czerwca"
    assert "<strong>parku</strong>" in parts(pl)[1]
    assert so["Subject"] == "June news" and ro["Subject"] == "June news"  # unapproved Romanian is not used
    assert smtp.to(people["restricted"].email) == [] and smtp.to(people["unsubscribed"].email) == []
    fallback = {d.contact_id for d in db.session.scalars(select(Delivery).where(Delivery.fallback.is_(True),
                                                                               Delivery.status == "sent"))}
    assert fallback == {people["so"].id, people["ro"].id}
    page = client.get(f"/newsletters/{issue.id}").get_data(as_text=True)
    report = page.split("Families who got the default language")[1]
    assert "Pso" in report and "Pro" in report and "Ppl" not in report
    child = db.session.scalar(select(Child))
    assert f"family of {child.first_name} {child.last_name}" in report  # which family each one belongs to


def test_script_in_markdown_never_reaches_email_or_web_page(make, login_as, smtp, client):
    setting, people, pico = _families(make)
    client = login_as(pico)
    issue = new_issue(client)
    evil = ('Hello <script>alert("x")</script> <img src=x onerror="alert(1)">\n\n'
            '[click](javascript:alert(1)) &lt;script&gt;bad()&lt;/script&gt;')
    write(client, issue, "en", body=evil)
    preview = client.get(f"/newsletters/{issue.id}/preview").get_data(as_text=True)
    assert "Hello" in preview and "alert" not in preview.split("Hello")[1].split("click")[0]
    send_now(client, issue)
    [got] = smtp.to(people["en"].email)
    raw = got.as_string().lower()
    text, html = parts(got)
    assert "Hello" in text and 'alert("x")' not in text and 'alert("x")' not in html
    for content in (text.lower(), html.lower(), raw):
        assert "<script" not in content and 'href="javascript' not in content and "onerror" not in content
    client.post("/logout")
    client.get(web_link(got).replace("http://localhost", ""))
    page = client.get(f"/news/{issue.id}").get_data(as_text=True).lower()
    assert page.count("hello") == 1
    assert "<script" not in page and 'href="javascript' not in page and "onerror" not in page
    assert 'alert("x")' not in page


def test_missing_default_version_and_empty_audience_cannot_start_and_say_why(make, login_as, smtp):
    setting = make.setting()
    room = make.room(setting, name="Babies")
    client = login_as(make.user(setting, role="pico"))
    issue = new_issue(client, audience_kind="rooms", rooms=[room.id])
    write(client, issue, "pl", title="Tylko po polsku", body="Treść")
    page = send_now(client, issue).get_data(as_text=True)
    assert "There is no version in the default language (en) yet." in page
    assert "Nobody is in this audience" in page
    write(client, issue, "en", status="draft")
    page = send_now(client, issue).get_data(as_text=True)
    assert "is not approved yet" in page
    db.session.refresh(issue)
    assert issue.message_id is None and smtp.to("anyone@example.org") == []


def test_rooms_audience_names_each_familys_children(make, login_as, smtp):
    setting = make.setting()
    room, other = make.room(setting, name="Pre-school"), make.room(setting, name="Babies")
    amira = make.child(setting, room=room, first_name="Amira")
    jan = make.child(setting, room=room, first_name="Jan")
    baby = make.child(setting, room=other, first_name="Zofia")
    parent = make.contact(setting, children=[amira, jan, baby])
    elsewhere = make.contact(setting, children=[baby])
    client = login_as(make.user(setting, role="pico"))
    issue = new_issue(client, audience_kind="rooms", rooms=[room.id], channels="both")
    write(client, issue, sms="Trip on Friday.")
    send_now(client, issue)
    [got] = smtp.to(parent.email)
    text, html = parts(got)
    assert "About: Amira, Jan" in text and "Zofia" not in text
    assert "About: Amira, Jan" in html
    assert smtp.to(elsewhere.email) == []
    sms = db.session.scalar(select(Delivery).where(Delivery.contact_id == parent.id, Delivery.channel == "sms"))
    assert sms.status == "sent"
    from app.messaging.models import DevOutboxItem

    [item] = db.session.scalars(select(DevOutboxItem).where(DevOutboxItem.delivery_id == sms.id)).all()
    assert item.body_text.startswith("Amira, Jan: Trip on Friday. http://localhost/l/")


def test_sent_issue_is_read_only(make, login_as, smtp):
    setting, people, pico = _families(make)
    client = login_as(pico)
    issue = new_issue(client)
    write(client, issue)
    send_now(client, issue)
    response = client.post(f"/newsletters/{issue.id}/versions/en",
                           data={"title": "Changed", "body_md": "x", "sms_text": "", "status": "approved"},
                           follow_redirects=True)
    assert "cannot be changed" in response.get_data(as_text=True)
    db.session.refresh(issue)
    assert issue.version("en").title == "June news"
    assert len(smtp.to(people["en"].email)) == 1
    assert "cannot be changed" in send_now(client, issue).get_data(as_text=True)
    assert len(smtp.to(people["en"].email)) == 1


def test_sms_sent_stays_within_the_segments_the_preview_showed(make, login_as):
    from app.messaging.models import DevOutboxItem
    from app.messaging.segments import count_segments

    setting = make.setting()
    child = make.child(setting)
    parent = make.contact(setting, children=[child], language="pl", channels="sms")
    client = login_as(make.user(setting, role="pico"))
    issue = new_issue(client, channels="sms")
    write(client, issue, sms="Wycieczka do parku w piątek, zabierzcie kalosze i kurtki przeciwdeszczowe.")
    write(client, issue, "pl", title="Wiadomości", body="Treść",
          sms="Wycieczka do parku w piątek, zabierzcie kalosze i kurtki przeciwdeszczowe.")
    page = client.get(f"/newsletters/{issue.id}/preview?contact={parent.id}&language=pl").get_data(as_text=True)
    shown = int(page.split("<td>UCS-2</td>")[1].split("<td>")[1].split("<")[0])
    send_now(client, issue)
    [item] = db.session.scalars(select(DevOutboxItem).where(DevOutboxItem.to == parent.mobile)).all()
    assert item.body_text.startswith("Wycieczka do parku")
    assert count_segments(item.body_text).segments == shown == 3  # UCS-2, 67 a part: link included
