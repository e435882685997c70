"""Configuration: the only module that reads the environment (and the optional `.env` file)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
# A `.env` file beside pyproject.toml (see .env.example) fills in what the environment leaves unset.
load_dotenv(ROOT / ".env", override=False)
INSTANCE = Path(os.environ.get("HOMELINK_INSTANCE") or ROOT / "instance").resolve()

LANGUAGES = {
    "en": "English",
    "pl": "Polski",
    "ro": "Română",
    "ur": "اردو",
    "ar": "العربية",
    "bn": "বাংলা",
    "pa": "ਪੰਜਾਬੀ",
    "pt": "Português",
    "es": "Español",
    "so": "Soomaali",
    "lt": "Lietuvių",
}
RTL_LANGUAGES = {"ur", "ar"}


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _flag(name: str, default: bool = False) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def _database_url(url: str) -> str:
    """postgres:// and postgresql:// URLs use psycopg 3, the driver Homelink installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _dev_secret(name: str = "secret_key", make=lambda: secrets.token_hex(32)) -> str:
    """A secret kept in instance/<name> so development survives restarts (made on first use)."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _dev_secret_key() -> str:
    """A secret key kept in instance/ so development sessions survive restarts."""
    return _dev_secret("secret_key")


def _dev_data_key() -> str:
    """A Fernet key kept in instance/data_key, so `make run` encrypts with no configuration."""
    import base64

    return _dev_secret("data_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(_env("DATABASE_URL", f"sqlite:///{INSTANCE / 'homelink.db'}"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")  # start of links in messages
    PORT = int(_env("PORT", "5000"))  # the development server's port (`make run`, via honcho)

    # Mail (Flask-Mail). No MAIL_SERVER means messages go to the development outbox.
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = int(_env("MAIL_PORT", "25"))
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "homelink@localhost")

    # SMS (Twilio). No account SID means SMS go to the development outbox.
    TWILIO_ACCOUNT_SID = _env("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = _env("TWILIO_AUTH_TOKEN")
    TWILIO_MESSAGING_SERVICE_SID = _env("TWILIO_MESSAGING_SERVICE_SID")
    TWILIO_FROM_NUMBER = _env("TWILIO_FROM_NUMBER")
    TWILIO_API_BASE = _env("TWILIO_API_BASE")  # e.g. a local mock; None means api.twilio.com

    # Background work and shared limits.
    QUEUE_URL = _env("QUEUE_URL")  # redis://… or postgresql://…; default: SQLite file in instance/
    QUEUE_IMMEDIATE = False  # run jobs at once, in process (tests)
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")

    # Sending (app.messaging): rate caps per channel (shared via RATELIMIT_STORAGE_URI), retries, sweep.
    EMAIL_RATE = _env("EMAIL_RATE", "50 per second")
    SMS_RATE = _env("SMS_RATE", "10 per second")
    SEND_BATCH = int(_env("SEND_BATCH", "50"))
    SEND_MAX_ATTEMPTS = int(_env("SEND_MAX_ATTEMPTS", "6"))
    RETRY_BASE_SECONDS = int(_env("RETRY_BASE_SECONDS", "30"))
    RETRY_CAP_SECONDS = int(_env("RETRY_CAP_SECONDS", "3600"))
    SWEEP_QUEUED_MINUTES = int(_env("SWEEP_QUEUED_MINUTES", "10"))
    SWEEP_SENDING_MINUTES = int(_env("SWEEP_SENDING_MINUTES", "15"))
    URGENT_VALID_MINUTES = int(_env("URGENT_VALID_MINUTES", "60"))
    SMS_PRICE_PER_SEGMENT = float(_env("SMS_PRICE_PER_SEGMENT", "0.04"))
    # Machine translation of newsletters (LibreTranslate-compatible API); off unless a URL is set.
    TRANSLATE_URL = _env("TRANSLATE_URL")
    TRANSLATE_API_KEY = _env("TRANSLATE_API_KEY")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    LINK_RATE_LIMIT = _env("LINK_RATE_LIMIT", "30 per minute")
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (rate limits per visitor).
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))

    # Parent links.
    FAMILY_LINK_DAYS = int(_env("FAMILY_LINK_DAYS", "60"))
    PARENT_SESSION_MINUTES = int(_env("PARENT_SESSION_MINUTES", "120"))

    PASSWORD_HASH_METHOD = "scrypt"

    # Data protection (app.privacy). Fernet keys, comma-separated: the first encrypts, all decrypt
    # (add a new key first, run `flask privacy rotate-key`, then drop the old one). Required in production.
    DATA_ENCRYPTION_KEYS = _env("DATA_ENCRYPTION_KEYS")
    # Key of the HMAC kept of an erased contact's opted-out email/mobile. Set once, never change it.
    ADDRESS_HASH_KEY = _env("ADDRESS_HASH_KEY")
    # Retention: how long each kind of record keeps its personal data (applied nightly; 0 = never).
    RETAIN_DELIVERY_CONTENT_MONTHS = int(_env("RETAIN_DELIVERY_CONTENT_MONTHS", "12"))
    RETAIN_LEFT_FAMILIES_YEARS = int(_env("RETAIN_LEFT_FAMILIES_YEARS", "2"))
    RETAIN_COMPLAINTS_YEARS = int(_env("RETAIN_COMPLAINTS_YEARS", "3"))
    RETAIN_FEEDBACK_YEARS = int(_env("RETAIN_FEEDBACK_YEARS", "3"))
    RETAIN_EXPORTS_DAYS = int(_env("RETAIN_EXPORTS_DAYS", "7"))

    # Sessions and forms. Over plain http (development, tests) the cookie keeps its plain name:
    # browsers refuse a `__Host-` cookie that is not Secure.
    SESSION_COOKIE_NAME = "session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    HSTS = False  # Strict-Transport-Security header (app/headers.py); production only
    WTF_CSRF_TIME_LIMIT = None
    # Every page sends Referrer-Policy: no-referrer (parent links must not leak), so browsers send no
    # Referer for Flask-WTF's HTTPS-only referrer check to compare: the CSRF token and the SameSite
    # session cookie protect the forms instead.
    WTF_CSRF_SSL_STRICT = False
    MAX_CONTENT_LENGTH = int(_env("MAX_UPLOAD_MB", "10")) * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "app" / "translations")
    LANGUAGES = LANGUAGES
    DEFAULT_PHONE_REGION = _env("DEFAULT_PHONE_REGION", "GB")

    INSTANCE_PATH = str(INSTANCE)


class DevelopmentConfig(Config):
    """`make run` on a laptop: SQLite, development outbox, readable errors."""

    ENV_NAME = "development"
    SECRET_KEY = Config.SECRET_KEY or _dev_secret_key()
    DATA_ENCRYPTION_KEYS = Config.DATA_ENCRYPTION_KEYS or _dev_data_key()
    ADDRESS_HASH_KEY = Config.ADDRESS_HASH_KEY or _dev_secret("address_hash_key")


class TestingConfig(Config):
    """Used by the test suite; tests override the database URL per run."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    DATA_ENCRYPTION_KEYS = "dGVzdGluZy1kYXRhLWtleS1ub3QtZm9yLXByb2R1Y3Q="  # 32 bytes, base64
    ADDRESS_HASH_KEY = "testing-address-hash-key"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast for tests only; every other config uses scrypt
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_BASE_URL = "http://localhost"
    MAIL_SERVER = None
    TWILIO_ACCOUNT_SID = None
    QUEUE_URL = "memory://"
    QUEUE_IMMEDIATE = True
    EMAIL_RATE = None  # no send caps unless a test sets one
    SMS_RATE = None
    SERVER_NAME = None


class ProductionConfig(Config):
    """Behind a TLS proxy, with gunicorn."""

    ENV_NAME = "production"
    # `__Host-`: the browser only accepts the cookie over HTTPS, for this host, on path /.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by HOMELINK_ENV (development by default)."""
    return CONFIGS[_env("HOMELINK_ENV", "development")]


def test_database_url() -> str:
    """PostgreSQL server for the test suite (each run makes its own database there)."""
    return _database_url(_env("TEST_DATABASE_URL", "postgresql+psycopg://127.0.0.1:5432/test"))


def require_postgres() -> bool:
    """CI sets REQUIRE_POSTGRES=1 so a missing server fails instead of skipping."""
    return _flag("REQUIRE_POSTGRES")


def require_peers() -> bool:
    """CI sets REQUIRE_PEERS=1 so a missing peer (Prism, Redis) fails its tests instead of skipping."""
    return _flag("REQUIRE_PEERS")


def test_redis_url() -> str:
    """Redis server for the tests of limits shared between processes."""
    return _env("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_browser() -> bool:
    """CI sets REQUIRE_BROWSER=1 so missing Chromium or axe-core fails the browser tests instead of skipping."""
    return _flag("REQUIRE_BROWSER")


def chromium_path() -> str:
    """The Chromium the browser tests drive (Debian's by default; CHROMIUM overrides)."""
    return _env("CHROMIUM", "/usr/bin/chromium")
