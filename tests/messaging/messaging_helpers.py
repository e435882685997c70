"""Small builders shared by the messaging tests."""
from __future__ import annotations

from app.messaging.services import create_message

VERSIONS = {
    "en": {"subject": "Nursery news", "body_text": "Hello families.\n\nWe go to the park on Friday.",
           "sms_text": "Park trip on Friday."},
    "pl": {"subject": "Wiadomości z przedszkola", "body_text": "Witajcie rodziny.\n\nW piątek idziemy do parku.",
           "sms_text": "W piątek idziemy do parku."},
}


def message(setting, **kw):
    """A newsletter to everyone, in English and Polish, by email unless told otherwise."""
    kw.setdefault("category", "newsletter")
    kw.setdefault("audience", {"all": True})
    kw.setdefault("versions", VERSIONS)
    return create_message(setting, **kw)
