"""Flask's signed-cookie sessions, with the signing serializer made once per set of keys.

Flask makes a new serializer on every request (and itsdangerous signs an empty value each time to
learn what kind of serializer it is); the keys change only with the config, so it is kept.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

_EXTENSION_KEY = "homelink_session_serializer"


class KeptSerializerSessions(SecureCookieSessionInterface):
    """The session interface of the app (set in `create_app`)."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get(_EXTENSION_KEY)
        if kept is None or kept[0] != keys:
            kept = app.extensions[_EXTENSION_KEY] = (keys, super().get_signing_serializer(app))
        return kept[1]
