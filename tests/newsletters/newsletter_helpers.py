"""Compose issues through the staff pages, as a PICO would."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.newsletters.models import Issue

LINK = re.compile(r"http://localhost/l/[A-Za-z0-9_\-.]+")


def new_issue(client, **fields) -> Issue:
    """POST the settings form; returns the new issue."""
    data = {"kind": "newsletter", "audience_kind": "all", "one_per_family": "every", "channels": "email"}
    data.update(fields)
    response = client.post("/newsletters/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(Issue).order_by(Issue.id.desc())).first()


def write(client, issue, language="en", title="June news", body="We go to the **park**.", sms="Park on Friday.",
          status="approved"):
    """Save one language version."""
    response = client.post(f"/newsletters/{issue.id}/versions/{language}",
                           data={"title": title, "body_md": body, "sms_text": sms, "status": status})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def send_now(client, issue):
    """Press 'send now'."""
    return client.post(f"/newsletters/{issue.id}/send", data={"when": "now"}, follow_redirects=True)


def parts(msg) -> tuple[str, str]:
    """(plain text, HTML) of a received email."""
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def web_link(msg) -> str:
    """The personal link in an email's text (the web version)."""
    return LINK.findall(parts(msg)[0])[0]
