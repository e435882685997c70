"""Encryption at rest of sensitive free text (Fernet), and the keyed hash kept of erased addresses.

DATA_ENCRYPTION_KEYS holds one or more Fernet keys, comma-separated: the first encrypts, every one
decrypts (MultiFernet), so a new key is added first, `flask privacy rotate-key` re-encrypts, and the
old key is then dropped.
"""
from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import LargeBinary, Text
from sqlalchemy.types import TypeDecorator

TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80 + a 64-bit timestamp)
_cache: dict[str, MultiFernet] = {}
_FROM_CONFIG = object()


class EncryptionKeyError(RuntimeError):
    """DATA_ENCRYPTION_KEYS is missing or holds something that is not a Fernet key."""


def keys_from(value: str | None) -> list[str]:
    """The configured keys, newest (the one that encrypts) first."""
    return [k.strip() for k in (value or "").split(",") if k.strip()]


def fernet(keys=_FROM_CONFIG) -> MultiFernet:
    """The MultiFernet for `keys` (default: the configured keys), built once per key list."""
    value = current_app.config.get("DATA_ENCRYPTION_KEYS") if keys is _FROM_CONFIG else keys
    if value not in _cache:
        found = keys_from(value)
        if not found:
            raise EncryptionKeyError("DATA_ENCRYPTION_KEYS is not set (see README: Settings)")
        try:
            _cache[value] = MultiFernet([Fernet(k) for k in found])
        except (ValueError, TypeError) as exc:
            raise EncryptionKeyError("DATA_ENCRYPTION_KEYS holds a value that is not a Fernet key") from exc
    return _cache[value]


def check_keys(value: str | None) -> None:
    """Raise EncryptionKeyError unless `value` holds at least one usable Fernet key (checked at start-up)."""
    fernet(value)


def encrypt_text(text: str) -> str:
    """Ciphertext (a Fernet token) of `text` with the newest key."""
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """Plain text of a token made with any configured key; text stored before encryption is returned as it is."""
    if not token.startswith(TOKEN_PREFIX):
        return token
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise EncryptionKeyError("a value cannot be decrypted with DATA_ENCRYPTION_KEYS (was a key dropped?)") from exc


class EncryptedText(TypeDecorator):
    """Text stored as a Fernet token; reads return the plain text. Not searchable or comparable in SQL."""

    impl = Text
    cache_ok = True
    migration_type = "sa.Text()"

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return encrypt_text(str(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return decrypt_text(value)


class EncryptedBytes(TypeDecorator):
    """Bytes stored encrypted (an export's ZIP file)."""

    impl = LargeBinary
    cache_ok = True
    migration_type = "sa.LargeBinary()"

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return fernet().encrypt(bytes(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return fernet().decrypt(bytes(value))


def rotate(token: str | bytes) -> str | bytes:
    """The same secret encrypted with the newest key (plain text left from before is encrypted)."""
    if isinstance(token, bytes):
        return fernet().rotate(token)
    if not token.startswith(TOKEN_PREFIX):
        return encrypt_text(token)
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def seal(text: str) -> dict:
    """A value for a JSON column (an audit entry's detail) that is stored encrypted: {"sealed": token}."""
    return {"sealed": encrypt_text(text)}


def unseal(value):
    """The plain text of a sealed value (any other value as it is): for showing audit details."""
    if isinstance(value, dict) and set(value) == {"sealed"}:
        return decrypt_text(value["sealed"])
    return value


def address_digest(address: str) -> str:
    """HMAC-SHA256 (ADDRESS_HASH_KEY) of a normalised email or E.164 mobile: equal addresses, equal digests;
    the address cannot be read back (an unkeyed hash of a phone number could be brute-forced)."""
    key = (current_app.config.get("ADDRESS_HASH_KEY") or current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, address.strip().casefold().encode("utf-8"), hashlib.sha256).hexdigest()
