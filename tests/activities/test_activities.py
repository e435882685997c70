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


def _draft_digest(client, room, explored, activity_ids):
    response = client.post("/activities/digest", data={"room": room.id, "explored": explored,
                                                       "activities": activity_ids})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return response.headers["Location"]


def _send_digest(client, room, explored, activity_ids):
    """Write the digest, then press Send on its page."""
    where = _draft_digest(client, room, explored, activity_ids)
    return client.post(where + "/send", follow_redirects=True)


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
    page = _send_digest(client, room, "Autumn leaves and numbers.", [socks.id, leaves.id])
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


def test_explored_text_goes_in_each_language_once_approved_and_digest_is_then_read_only(make, login_as, smtp):
    setting, room, en, pl, barred = _room(make)
    client = login_as(make.user(setting, role="pico"))
    socks = _activity(client)
    where = _draft_digest(client, room, "Autumn leaves and numbers.", [socks.id])
    page = client.get(where).get_data(as_text=True)
    assert "Missing: they will get the default language" in page.split("<td>Polski")[1].split("</tr>")[0]
    digest_id = int(where.rsplit("/", 1)[1])
    client.post(f"/activities/digests/{digest_id}/versions/pl",
                data={"explored": "Jesienne liście i liczby.", "status": "needs_review"})
    assert "Needs review" in client.get(where).get_data(as_text=True).split("<td>Polski")[1].split("</tr>")[0]
    client.post(f"/activities/digests/{digest_id}/versions/pl",
                data={"explored": "Jesienne liście i liczby.", "status": "approved"})
    client.post(where + "/send")
    assert "Jesienne liście i liczby." in smtp.to(pl.email)[0].get_body(("plain",)).get_content()
    text = smtp.to(en.email)[0].get_body(("plain",)).get_content()
    assert "Autumn leaves and numbers." in text and "Jesienne" not in text
    page = client.post(f"/activities/digests/{digest_id}/versions/pl", data={"explored": "Zmiana", "status": "approved"},
                       follow_redirects=True).get_data(as_text=True)
    assert "can no longer be changed" in page
    assert client.post(where + "/send").status_code == 302 and len(smtp.to(pl.email)) == 1


def test_digest_page_counts_families_and_shows_sms_segments_and_cost(make, login_as, app):
    app.config["SMS_PRICE_PER_SEGMENT"] = 0.04
    setting, room, en, pl, barred = _room(make)
    client = login_as(make.user(setting, role="pico"))
    socks = _activity(client, title="Skarpetki " * 3)
    _version(client, socks, "Liczymy skarpetki żółte, " * 7, "pl")  # a long Polish title: UCS-2, over 3 segments
    page = client.get(_draft_digest(client, room, "Leaves", [socks.id])).get_data(as_text=True)
    polish = re.sub(r">\s+<", "><", page.split("Families who need it")[1].split("<td>Polski</td>")[1].split("</tr>")[0])
    assert polish.strip().startswith("<td>1</td><td>1</td>")  # one family (with the English parent), one Polish contact
    costs = re.sub(r">\s+<", "><", page.split("Text message length and estimated cost")[1].split("</table>")[0])
    english = costs.split("<td>English</td>")[1].split("</tr>")[0]
    assert english.startswith("<td>GSM-7</td><td>1</td>") and "<td>£0.04</td><td>1</td><td>£0.04</td>" in english
    polish_cost = costs.split("<td>Polski</td>")[1].split("</tr>")[0]
    assert "<td>UCS-2</td>" in polish_cost and "over 3 segments" in polish_cost


def test_machine_translation_of_activities_and_explored_text_needs_review(make, login_as, app, smtp):
    from tests.translate_stub import server as translation_server

    server = translation_server()
    try:
        setting, room, en, pl, barred = _room(make)
        client = login_as(make.user(setting, role="pico"))
        socks = _activity(client)
        assert "Machine translate" not in client.get(f"/activities/{socks.id}/versions/pl").get_data(as_text=True)
        app.config["TRANSLATE_URL"] = f"http://127.0.0.1:{server.server_port}"
        assert "Machine translate" in client.get(f"/activities/{socks.id}/versions/pl").get_data(as_text=True)
        client.post(f"/activities/{socks.id}/translate/pl")
        version = socks.version("pl")
        db.session.refresh(version)
        assert (version.title, version.what_to_do, version.status, version.machine) == (
            "[pl] Counting socks", "[pl] Pair and count them.", "needs_review", True)
        where = _draft_digest(client, room, "Leaves", [socks.id])
        client.post(where + "/translate", data={"language": "pl"})
        assert "needs review" in client.get(where).get_data(as_text=True).split("<td>Polski")[1].split("</tr>")[0].lower()
        client.post(where + "/send")
        text = smtp.to(pl.email)[0].get_body(("plain",)).get_content()
        assert "Counting socks" in text and "[pl]" not in text  # machine output is not sent unreviewed
    finally:
        app.config["TRANSLATE_URL"] = None
        server.shutdown()
        server.server_close()
