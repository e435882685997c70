"""Activity library, the weekly digest by email and SMS, "We tried it" once per contact, staff figures."""
import io
import re

from sqlalchemy import select

from app.activities.models import Activity, ActivityTry
from app.extensions import db
from app.messaging.models import Delivery, DevOutboxItem

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _activity(client, title="Counting socks", areas=("maths",), language="en", status="approved", **kw):
    response = client.post("/activities", data={"areas": list(areas), "age_band": "3-5", **kw})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    activity = db.session.scalars(select(Activity).order_by(Activity.id.desc())).first()
    _version(client, activity, title, language, status)
    return activity


def _version(client, activity, title, language="en", status="approved"):
    response = client.post(f"/activities/{activity.id}/versions/{language}", data={
        "title": title, "what_you_need": "Socks", "what_to_do": "Pair and count them.",
        "why_it_helps": "Counting and matching.", "status": status})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]


def _room(make):
    setting = make.setting(name="Acorn Nursery")
    room = make.room(setting, name="Pre-school")
    child = make.child(setting, room=room)
    en = make.contact(setting, children=[child], language="en", channels="both")
    pl = make.contact(setting, children=[child], language="pl", channels="both")
    barred = make.contact(setting, children=[child], restricted=True)
    return setting, room, en, pl, barred


def test_digest_goes_by_email_and_sms_in_each_language_and_tries_count_once(make, login_as, smtp):
    setting, room, en, pl, barred = _room(make)
    client = login_as(make.user(setting, role="key_person"))
    socks = _activity(client, picture=(io.BytesIO(PNG), "socks.png"))
    _version(client, socks, "Liczymy skarpetki", "pl")
    leaves = _activity(client, "Leaf hunt", areas=("world", "physical"))
    page = client.post("/activities/digest", data={"room": room.id, "explored": "Autumn leaves and numbers.",
                                                   "activities": [socks.id, leaves.id]}, follow_redirects=True)
    assert "Sending this week" in page.get_data(as_text=True)
    [to_pl] = smtp.to(pl.email)
    [to_en] = smtp.to(en.email)
    assert "Liczymy skarpetki" in to_pl.get_body(("plain",)).get_content()
    text = to_en.get_body(("plain",)).get_content()
    assert "Counting socks" in text and "Leaf hunt" in text and "Autumn leaves and numbers." in text
    assert '<img src="http://localhost/files/' in to_en.get_body(("html",)).get_content()
    assert smtp.to(barred.email) == []
    sms = db.session.scalars(select(DevOutboxItem).where(DevOutboxItem.channel == "sms")).all()
    assert len(sms) == 2 and all("http://localhost/l/" in s.body_text for s in sms)
    assert all(d.status == "suppressed" for d in db.session.scalars(
        select(Delivery).where(Delivery.contact_id == barred.id)))
    # the Polish parent opens the link and says they tried the socks activity, twice
    link = re.search(r"http://localhost(/l/\S+)", to_pl.get_body(("plain",)).get_content()).group(1)
    client.post("/logout")
    client.get(link)
    digest_page = client.get(client.get("/home-learning").headers["Location"])
    body = digest_page.get_data(as_text=True)
    assert "Liczymy skarpetki" in body and "Leaf hunt" in body
    for _ in range(2):
        client.post(f"/home-learning/{digest_page.request.path.rsplit('/', 1)[1]}/{socks.id}",
                    data={f"a{socks.id}-note": "Loved it"})
    tries = db.session.scalars(select(ActivityTry)).all()
    assert [(t.contact_id, t.activity_id, t.note) for t in tries] == [(pl.id, socks.id, "Loved it")]
    client = login_as(make.user(setting, role="pico"))
    table = client.get("/activities/tries").get_data(as_text=True)
    maths = table.split("Mathematics")[1].split("</tr>")[0]
    assert "<td>1</td>" in maths
    assert "<strong>Counting socks</strong> (Pre-school): Loved it" in table
    assert "<td>0</td>" in table.split("Understanding the world")[1].split("</tr>")[0]


def test_digest_refused_without_activities_or_families_and_bad_picture_refused(make, login_as, smtp):
    setting = make.setting()
    empty = make.room(setting, name="Empty room")
    client = login_as(make.user(setting, role="pico"))
    page = client.post("/activities", data={"areas": ["maths"], "age_band": "3-5",
                                            "picture": (io.BytesIO(b"GIF? no"), "x.gif")}).get_data(as_text=True)
    assert "Use a PNG, JPEG or GIF picture." in page
    assert db.session.scalars(select(Activity)).all() == []
    _activity(client, "Draft idea", status="draft")
    ready = _activity(client, "Ready idea")
    form = client.get("/activities/digest").get_data(as_text=True)
    assert "Ready idea" in form and "Draft idea" not in form  # only approved activities are offered
    page = client.post("/activities/digest", data={"room": empty.id, "explored": "x",
                                                   "activities": [ready.id]}).get_data(as_text=True)
    assert "Nobody is in this audience" in page
    assert smtp.to("anyone") == []
