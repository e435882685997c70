"""Emails may carry attached files (a calendar invitation, a PDF letter as text …): the body stays
multipart/alternative inside multipart/mixed, and the file arrives intact."""
from app.messaging.services import create_message, send_now


def test_attachment_arrives_beside_both_bodies(make, smtp):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], language="pl", channels="email")
    long_line = "X" * 2000  # base64 keeps every line short
    message = create_message(
        setting, category="workshops", audience={"contacts": [parent.id]},
        versions={"en": {"subject": "Hello", "body_text": "English body"},
                  "pl": {"subject": "Cześć", "body_text": "Treść po polsku"}},
        attachments=[{"filename": "note.txt", "content_type": "text/plain", "text": "Zażółć " + long_line}])
    send_now(message.id)
    [got] = smtp.to(parent.email)
    assert got.get_content_type() == "multipart/mixed"
    assert got["Subject"] == "Cześć"
    assert "Treść po polsku" in got.get_body(("plain",)).get_content()
    assert got.get_body(("html",)) is not None
    [attached] = list(got.iter_attachments())
    assert attached.get_filename() == "note.txt"
    assert attached.get_content() == "Zażółć " + long_line
    assert max(len(line) for line in got.as_bytes().split(b"\n")) < 998


def test_messages_without_attachments_stay_multipart_alternative(make, smtp):
    setting = make.setting()
    parent = make.contact(setting, children=[make.child(setting)], channels="email")
    message = create_message(setting, audience={"contacts": [parent.id]},
                             versions={"en": {"subject": "Hello", "body_text": "Body"}})
    send_now(message.id)
    [got] = smtp.to(parent.email)
    assert got.get_content_type() == "multipart/alternative"
    assert list(got.iter_attachments()) == []
