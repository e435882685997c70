"""The bulk-send fast paths give what the plain ones give: the same bytes, the same tokens, the text intact."""
import email
import email.policy

import pytest
from itsdangerous import URLSafeSerializer

from app.messaging import mime
from app.messaging.render import read_unsubscribe_token, unsubscribe_token
from app.messaging.services import send_now
from messaging_helpers import message

TEXTS = [
    "Plain line\n.leading dot\n.\nlast",
    ".\n..\n. spaced\nend.",
    "Zażółć gęślą jaźń. " * 30 + "\n" + "اس ہفتے بچوں نے " * 20,
    "trailing space at the soft break edge" + " " * 40 + "\nx" * 3,
    "tab\tand = sign\r\nwindows line\rold mac line\n",
    "a" * 75 + " \n" + "b" * 76 + "\n" + "c" * 200,
]


@pytest.mark.parametrize("text", TEXTS)
def test_encoder_gives_the_plain_bytes_dot_stuffed(text, monkeypatch):
    monkeypatch.setattr(mime, "formatdate", lambda usegmt: "Mon, 23 Nov 2026 10:00:00 GMT")
    monkeypatch.setattr(mime.secrets, "token_hex", lambda n: "b" * 2 * n)
    kw = dict(sender=("Acorn", "news@example.org"), to="p@example.org", subject="Hi", text=text,
              html=f"<p>{text}</p>", message_id="<1@example.org>", headers={"Content-Language": "pl"})
    plain = mime.build(**kw)
    encoder = mime.Encoder(smtp_data=True)
    for _ in range(2):  # second time from the encoder's remembered lines
        assert mime.build(**kw, encoder=encoder) == mime.stuff_dots(plain)
    parsed = email.message_from_bytes(plain, policy=email.policy.default)
    expected = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == expected
    body = plain.partition(b"\r\n\r\n")[2]
    assert all(len(line) <= 76 for line in body.split(b"\r\n"))  # RFC 2045 limit for encoded lines
    assert b"\r" not in plain.replace(b"\r\n", b"")  # no bare CR on the wire


def test_lines_starting_with_a_dot_arrive_intact(make, smtp):
    setting = make.setting(name="Acorn Nursery")
    contact = make.contact(setting, children=[make.child(setting)], language="en")
    body = ".Dot first\n..two dots\n.\nend"
    msg = message(setting, versions={"en": {"subject": "Dots", "body_text": body}})
    assert send_now(msg.id)
    [got] = smtp.to(contact.email)
    assert got.get_body(("plain",)).get_content().replace("\r\n", "\n").startswith(body + "\n")


def test_unsubscribe_token_is_itsdangerous_token(app):
    reference = URLSafeSerializer(app.config["SECRET_KEY"], salt="unsubscribe")
    for contact_id in (1, 1111111, 987654):
        token = unsubscribe_token(contact_id, "newsletter")
        assert token == reference.dumps([contact_id, "newsletter"])
        assert read_unsubscribe_token(token) == (contact_id, "newsletter")
    assert read_unsubscribe_token(token[:-2] + "xx") is None


FAMILY, CHILDREN = "https://homelink.invalid/family-link", "[[children]]"


@pytest.mark.parametrize("text", TEXTS)
def test_a_filled_template_gives_the_bytes_of_its_text(text, monkeypatch):
    monkeypatch.setattr(mime, "formatdate", lambda usegmt: "Mon, 23 Nov 2026 10:00:00 GMT")
    monkeypatch.setattr(mime.secrets, "token_hex", lambda n: "b" * 2 * n)
    marked = f"{text}\nYour page: {FAMILY}#feedback\n{CHILDREN} and {CHILDREN}\n.{FAMILY}\n"
    values = {FAMILY: "http://localhost/l/" + "x" * 80 + ".sig", CHILDREN: "Amira, Zażółć"}
    text_template, html_template = mime.Template(marked, (FAMILY, CHILDREN)), mime.Template(f"<p>{marked}</p>", (FAMILY,))
    filled, filled_html = text_template.fill(values), html_template.fill(values)
    plain = marked.replace(FAMILY, values[FAMILY]).replace(CHILDREN, values[CHILDREN])
    assert (filled, filled_html) == (plain, f"<p>{marked.replace(FAMILY, values[FAMILY])}</p>")
    kw = dict(sender=("Acorn", "news@example.org"), to="p@example.org", subject="Hi", message_id="<1@example.org>",
              headers={"Content-Language": "pl"})
    for encoder in (None, mime.Encoder(smtp_data=True)):
        assert (mime.build(**kw, text=filled, html=filled_html, encoder=encoder)
                == mime.build(**kw, text=str(filled), html=str(filled_html), encoder=encoder))


def test_a_value_breaking_a_line_fills_a_plain_text():
    filled = mime.Template(f"Hello {CHILDREN}!\nBye", (CHILDREN,)).fill({CHILDREN: "Amira\nJan"})
    assert filled == "Hello Amira\nJan!\nBye" and not isinstance(filled, mime.Filled)
