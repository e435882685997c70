"""Serve a test-configured Homelink app in its own process, as one of several web workers would.

    python -m tests.support.app_server PORT DATABASE_URL RATELIMIT_STORAGE_URI KEY_PREFIX LOGIN_RATE_LIMIT
"""
from __future__ import annotations

import sys

from werkzeug.serving import make_server


def main(port: str, database_url: str, storage_uri: str, key_prefix: str, login_limit: str) -> None:
    """Build the app with these settings and serve it on 127.0.0.1:PORT until killed."""
    from app import create_app
    from app.config import TestingConfig

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_STORAGE_URI=storage_uri,
                     RATELIMIT_KEY_PREFIX=key_prefix, LOGIN_RATE_LIMIT=login_limit)
    make_server("127.0.0.1", int(port), app, threaded=True).serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
