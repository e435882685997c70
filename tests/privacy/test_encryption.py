"""Restriction reasons, complaint notes and collection passwords are ciphertext in the table; keys rotate."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from app.extensions import db
from app.privacy import crypto

RAW = {
    "restricted_reason": "SELECT restricted_reason FROM contact WHERE restricted_reason IS NOT NULL",
    "complaint_step": "SELECT text FROM complaint_step",
    "collection_password_note": "SELECT collection_password_note FROM child_contact "
                                "WHERE collection_password_note IS NOT NULL",
}


def _raw(sql: str) -> list[str]:
    db.session.commit()
    return [row[0] for row in db.session.execute(text(sql))]


def test_sensitive_text_is_ciphertext_at_rest_and_plain_in_the_app(seeded):
    from app.families.models import ChildContact, Contact
    from app.feedback.models import ComplaintStep

    stored = {name: _raw(sql) for name, sql in RAW.items()}
    for name, values in stored.items():
        assert values and all(v.startswith("gAAAAA") for v in values), name
        assert not any(word in v for v in values for word in ("Quillfeather", "bluebell", "Met ")), name
    db.session.expire_all()
    assert db.session.get(Contact, seeded.contact.id).restricted_reason == "Order about Quillfeather household"
    assert db.session.query(ComplaintStep).one().text.startswith("Met Zephyrine")
    assert "bluebell" in db.session.query(ChildContact).filter_by(contact_id=seeded.contact.id).one() \
        .collection_password_note


def test_the_restriction_reason_in_the_audit_log_is_sealed_and_shown_to_managers(client, login_as, seeded):
    raw = _raw("SELECT detail FROM audit_entry WHERE action = 'contact.restricted'")
    assert raw and "household" not in str(raw[0])
    page = login_as(seeded.manager).get("/audit?action=contact.restricted").get_data(as_text=True)
    assert "Order about Quillfeather household" in page


def test_rotation_re_encrypts_with_the_newest_key_and_the_old_key_can_go(app, seeded, monkeypatch):
    from app.privacy.cli import rotate_all

    old = app.config["DATA_ENCRYPTION_KEYS"]
    new = Fernet.generate_key().decode()
    before = {name: _raw(sql) for name, sql in RAW.items()}
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", f"{new},{old}")
    assert rotate_all() >= 3
    after = {name: _raw(sql) for name, sql in RAW.items()}
    assert after != before
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", new)  # the old key dropped
    for values in after.values():
        assert all(crypto.decrypt_text(v) for v in values)
    assert "household" in crypto.decrypt_text(after["restricted_reason"][0])
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", old)
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.decrypt_text(after["restricted_reason"][0])


def test_rotate_key_command(app, seeded, monkeypatch):
    old = app.config["DATA_ENCRYPTION_KEYS"]
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},{old}")
    result = app.test_cli_runner().invoke(args=["privacy", "rotate-key"])
    assert result.exit_code == 0 and "Re-encrypted" in result.output


def test_text_stored_before_encryption_is_read_and_then_encrypted_by_rotation(app, make):
    from app.families.models import Contact
    from app.privacy.cli import rotate_all

    setting = make.setting()
    contact = make.contact(setting)
    db.session.commit()
    db.session.execute(text("UPDATE contact SET restricted_reason = 'old plain reason' WHERE id = :id"),
                       {"id": contact.id})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).restricted_reason == "old plain reason"
    rotate_all()
    assert _raw(RAW["restricted_reason"])[0].startswith("gAAAAA")


def test_production_refuses_to_start_without_a_key():
    from app import create_app
    from app.config import ProductionConfig

    class NoKey(ProductionConfig):
        SECRET_KEY = "x" * 32
        DATA_ENCRYPTION_KEYS = None

    with pytest.raises(RuntimeError, match="DATA_ENCRYPTION_KEYS"):
        create_app(NoKey)
    with pytest.raises(RuntimeError, match="Fernet key"):
        create_app(NoKey, DATA_ENCRYPTION_KEYS="not-a-key")
