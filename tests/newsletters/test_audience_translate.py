"""Audience choices in the outbox, and the LibreTranslate adapter against a small local HTTP server."""
import re

from sqlalchemy import select

from app.extensions import db
from app.messaging.models import Delivery
from app.messaging.outbox import language_counts
from app.messaging.services import create_message, send_now
from app.newsletters.models import IssueVersion
from app.newsletters.translate import LibreTranslate, TranslationError
from newsletter_helpers import new_issue, write
from tests.translate_stub import Translator as _Translator
from tests.translate_stub import server as _server

EN = {"en": {"subject": "News", "body_text": "Hello"}}


def _sent_to(setting, audience) -> set[int]:
    msg = create_message(setting, category="newsletter", audience=audience, versions=EN)
    db.session.commit()
    send_now(msg.id)
    return {d.contact_id for d in db.session.scalars(select(Delivery).where(
        Delivery.message_id == msg.id, Delivery.status == "sent"))}


def test_parental_responsibility_only_and_one_per_family(make):
    setting = make.setting()
    child = make.child(setting)
    mum = make.contact(setting, children=[child], priority=1)
    dad = make.contact(setting, children=[child], priority=2)
    gran = make.contact(setting, children=[child], priority=3, parental_responsibility=False)
    other = make.child(setting)
    barred = make.contact(setting, children=[other], priority=1, restricted=True)
    carer = make.contact(setting, children=[other], priority=2)
    assert _sent_to(setting, {"all": True, "pr_only": True}) == {mum.id, dad.id, carer.id}
    # one per family: each child's first contact who may be contacted (the barred one is skipped)
    assert _sent_to(setting, {"all": True, "one_per_family": True}) == {mum.id, carer.id}
    assert gran.id not in _sent_to(setting, {"all": True, "pr_only": True, "one_per_family": True})
    assert barred.id not in _sent_to(setting, {"all": True})


def test_starting_leaving_and_key_groups(make, frozen_clock):
    from datetime import date

    setting = make.setting()
    kp = make.user(setting, role="key_person")
    starting = make.child(setting, start_date=date(2026, 12, 1))
    leaving = make.child(setting, leaving_date=date(2026, 12, 10), key_person=kp)
    settled = make.child(setting, start_date=date(2025, 1, 1))
    s, l, x = (make.contact(setting, children=[c]) for c in (starting, leaving, settled))
    assert _sent_to(setting, {"starting": 28}) == {s.id}
    assert _sent_to(setting, {"leaving": 28}) == {l.id}
    assert _sent_to(setting, {"key_groups": [kp.id]}) == {l.id}
    assert language_counts(setting.id, {"all": True}) == {"en": 3}


def test_compose_screen_counts_families_per_language(make, login_as):
    setting = make.setting()
    amy, ben, cat = make.child(setting), make.child(setting), make.child(setting)
    make.contact(setting, children=[amy], language="pl")  # two Polish parents of one child: one family
    make.contact(setting, children=[amy], language="pl")
    make.contact(setting, children=[amy], language="ar")  # the same family, also needs Arabic
    make.contact(setting, children=[ben, cat], language="pl")  # siblings with one parent: one family
    client = login_as(make.user(setting, role="pico"))
    issue = new_issue(client)
    page = client.get(f"/newsletters/{issue.id}").get_data(as_text=True)
    table = page.split("Families who need it")[1]
    polish = table.split("<td>Polski</td>")[1].split("</tr>")[0]
    assert "<td>2</td><td>3</td>" in polish and "Missing" in polish  # 2 families, 3 parents and carers
    assert "<td>1</td><td>1</td>" in table.split("<td>العربية</td>")[1].split("</tr>")[0]


def test_compose_screen_shows_sms_segments_cost_and_warns_over_three(make, login_as, app):
    app.config["SMS_PRICE_PER_SEGMENT"] = 0.05
    setting = make.setting()
    child = make.child(setting)
    for lang in ("en", "pl", "pl"):
        make.contact(setting, children=[child], language=lang, mobile="07700 900123")
    client = login_as(make.user(setting, role="pico"))
    issue = new_issue(client, channels="both")
    write(client, issue, sms="Park on Friday.")
    write(client, issue, language="pl", title="Wieści", body="Park", sms="Żółć " * 50)  # UCS-2, 250 chars
    page = client.get(f"/newsletters/{issue.id}").get_data(as_text=True)
    table = re.sub(r">\s+<", "><", page.split("Text message length and estimated cost")[1].split("</table>")[0])
    english = table.split("<td>English</td>")[1].split("</tr>")[0]
    polish = table.split("<td>Polski</td>")[1].split("</tr>")[0]
    assert "<td>GSM-7</td><td>1</td>" in english and "over 3 segments" not in english
    assert "<td>£0.05</td><td>1</td><td>£0.05</td>" in english
    assert "<td>UCS-2</td><td>5 " in polish and "over 3 segments" in polish  # 250 + the link: 5 × 67
    assert "<td>£0.25</td><td>2</td><td>£0.50</td>" in polish
    notice = new_issue(client, kind="notice", channels="sms")
    write(client, notice, sms="Sickness policy: " + "please read it " * 28)  # GSM-7, over 3 segments with the link
    page = re.sub(r">\s+<", "><", client.get(f"/newsletters/{notice.id}").get_data(as_text=True))
    assert "over 3 segments" in page.split("estimated cost")[1].split("<td>English</td>")[1].split("</tr>")[0]
    email_only = new_issue(client)
    write(client, email_only)
    assert "estimated cost" not in client.get(f"/newsletters/{email_only.id}").get_data(as_text=True)


def test_libretranslate_adapter_and_machine_output_needs_review(make, login_as, app):
    server = _server()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        adapter = LibreTranslate(url, api_key="k")
        assert adapter.translate("Hello", "en", "pl") == "[pl] Hello"
        assert _Translator.seen[-1] == {"q": "Hello", "source": "en", "target": "pl", "format": "text", "api_key": "k"}
        try:
            adapter.translate("boom", "en", "pl")
            raise AssertionError("expected TranslationError")
        except TranslationError:
            pass
        setting = make.setting()
        client = login_as(make.user(setting, role="pico"))
        issue = new_issue(client)
        write(client, issue, title="News", body="Hello", sms="Hi")
        assert "Machine translate" not in client.get(f"/newsletters/{issue.id}").get_data(as_text=True)
        app.config["TRANSLATE_URL"] = url
        assert "Machine translate" in client.get(f"/newsletters/{issue.id}").get_data(as_text=True)
        client.post(f"/newsletters/{issue.id}/translate", data={"language": "pl"})
        version = db.session.scalar(select(IssueVersion).where(IssueVersion.language == "pl"))
        assert (version.title, version.body_md, version.sms_text) == ("[pl] News", "[pl] Hello", "[pl] Hi")
        assert version.status == "needs_review" and version.machine
    finally:
        app.config["TRANSLATE_URL"] = None
        server.shutdown()
        server.server_close()


def test_other_settings_issue_is_404(make, login_as):
    setting, other = make.setting(), make.setting()
    client = login_as(make.user(setting, role="pico"))
    issue = new_issue(client)
    client.post("/logout")
    client = login_as(make.user(other, role="pico"))
    assert client.get(f"/newsletters/{issue.id}").status_code == 404
    assert client.get(f"/newsletters/{issue.id}/preview").status_code == 404
