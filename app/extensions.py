"""Flask extensions, created unbound and initialised in create_app."""
from flask import g, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
babel = Babel()
csrf = CSRFProtect()


class StaffLoginManager(LoginManager):
    """Flask-Login for staff. A browser with no staff login in its session (a parent's, or nobody's) is
    anonymous at once: Flask-Login's session protection would otherwise rewrite that session, and
    send a cookie clearing a remember-me token we never set, on every request."""

    def _load_user(self):
        if "_user_id" not in session:
            g._login_user = self.anonymous_user()
            return None
        return super()._load_user()


login_manager = StaffLoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_limit() -> str:
    """Tries at the staff login and password-reset forms per address (LOGIN_RATE_LIMIT)."""
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


def link_limit() -> str:
    """Openings of personal and unguessable links per address (LINK_RATE_LIMIT)."""
    from flask import current_app

    return current_app.config["LINK_RATE_LIMIT"]


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """SQLite: enforce foreign keys; WAL so the worker and web can read while one writes."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; no fsync on every commit
        cursor.close()


def install_sqlite_pragmas() -> None:
    """Attach the pragmas to every new SQLite connection (idempotent)."""
    from sqlalchemy import Engine, event

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
