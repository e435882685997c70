"""Small builders for the feedback tests."""
from __future__ import annotations

from app.extensions import db
from app.parents import links


def parent(client, make, setting=None, language="en", **kw):
    """A contact with a child, whose browser has opened their family link."""
    setting = setting or make.setting()
    contact = make.contact(setting, children=[make.child(setting)], language=language, channels="email", **kw)
    token = links.issue_link(contact)
    db.session.commit()
    client.get(f"/l/{token}")
    return contact


def send(client, url="/family/feedback", **data):
    """Post the parent form (fields carry the 'feedback-' prefix)."""
    form = {f"feedback-{k}": v for k, v in data.items()}
    return client.post(url, data=form)


def body(msg) -> str:
    """The plain-text part of an email that arrived."""
    return msg.get_body(("plain",)).get_content()
