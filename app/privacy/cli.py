"""`flask privacy …`: make a key, re-encrypt with the newest key, apply retention."""
from __future__ import annotations

import click
from cryptography.fernet import Fernet
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select, type_coerce, update

from app.extensions import db
from app.privacy.crypto import EncryptedBytes, EncryptedText, rotate

privacy = AppGroup("privacy", help="Data protection: encryption keys and retention.")
BATCH = 500


def encrypted_columns() -> list:
    """Every encrypted column of every table."""
    return [column for table in db.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, (EncryptedText, EncryptedBytes))]


def rotate_all() -> int:
    """Re-encrypt every stored value with the first (newest) key, in batches; returns the values rewritten.
    Text stored before its column was encrypted is encrypted on the way."""
    rewritten = 0
    for column in encrypted_columns():
        table, raw = column.table, column.type.impl  # the stored token, not through the decorator
        key = list(table.primary_key.columns)[0]
        after = None
        while True:
            stmt = (select(key, type_coerce(column, raw)).where(column.is_not(None)).order_by(key).limit(BATCH))
            if after is not None:
                stmt = stmt.where(key > after)
            rows = db.session.execute(stmt).all()
            if not rows:
                break
            for row_id, token in rows:
                db.session.execute(update(table).where(key == row_id)
                                   .values({column.name: type_coerce(rotate(token), raw)}))
                rewritten += 1
            after = rows[-1][0]
            db.session.commit()
    return rewritten


@privacy.command("new-key")
def new_key() -> None:
    """Print a new Fernet key (put it FIRST in DATA_ENCRYPTION_KEYS, then run rotate-key)."""
    click.echo(Fernet.generate_key().decode())


@privacy.command("rotate-key")
@with_appcontext
def rotate_key() -> None:
    """Re-encrypt every encrypted value with the first key of DATA_ENCRYPTION_KEYS."""
    n = rotate_all()
    click.echo(f"Re-encrypted {n} value(s) with the newest key; older keys can now be removed.")


@privacy.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@with_appcontext
def retention_cmd(dry_run: bool) -> None:
    """Apply retention in every setting now (the scheduler does it daily)."""
    from app.privacy import retention
    from app.settings.models import Setting

    for setting in db.session.scalars(select(Setting).order_by(Setting.id)):
        if dry_run:
            plan = retention.plan(setting.id)
            click.echo(f"{setting.slug}: " + ", ".join(f"{row['key']}={row['due']}" for row in plan))
        else:
            done = retention.apply(setting.id)
            db.session.commit()
            click.echo(f"{setting.slug}: " + ", ".join(f"{k}={v}" for k, v in done.items()))
