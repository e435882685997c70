"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.columns import render_migration_item  # noqa: F401  (the hook the app registers)
from app.config import TestingConfig, require_postgres
from app.extensions import db
from tests.conftest import _drop_postgres_database, _make_postgres_database


def _fresh_url(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    url, reason = _make_postgres_database()
    if url is None:
        if require_postgres():
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_match_models(backend, tmp_path):
    url = _fresh_url(backend, tmp_path)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(tmp_path))
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            assert diff == [], f"models and migrations disagree: {diff}"
            db.engine.dispose()
    finally:
        if backend == "postgresql":
            _drop_postgres_database(url)
