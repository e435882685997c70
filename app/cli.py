"""Command-line tools: `flask create-setting`, `create-user`, `translate …`, `worker`, `scheduler`."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from app.config import LANGUAGES, ROOT
from app.extensions import db

TRANSLATIONS = ROOT / "app" / "translations"
# Parent-facing strings: `_`, `_l`, `gettext`, `ngettext`, `{% trans %}`. Staff-only: `_s`, `_sl`.
DOMAINS = {
    "messages": ["_", "_l", "gettext", "ngettext:1,2", "lazy_gettext", "pgettext:1c,2"],
    "staff": ["_s", "_sl"],
}


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(create_setting)
    app.cli.add_command(create_user)
    app.cli.add_command(translate)
    app.cli.add_command(worker)
    app.cli.add_command(scheduler)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Workers in this process.")
@click.option("--processes", is_flag=True, help="Run the workers as processes (one GIL each) instead of threads.")
def worker(threads: int, processes: bool) -> None:
    """Run a queue worker (sends messages); several may run at once."""
    import logging

    from app.tasks import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    click.echo(f"Worker running with {threads} {'processes' if processes else 'threads'}.")
    run_worker(threads, "process" if processes else "thread")


@click.command("scheduler")
def scheduler() -> None:
    """Run the one scheduler process: the sweep and scheduled messages (never in web workers)."""
    from app.scheduler import build_scheduler
    from app.tasks import job_app

    click.echo("Scheduler running: sweep every minute, due messages every 30 seconds.")
    build_scheduler(job_app()).start()


@click.command("create-setting")
@click.argument("name")
@click.option("--slug", help="Short name used in URLs and exports (default: from the name).")
@click.option("--timezone", default="Europe/London", show_default=True)
@click.option("--language", default="en", show_default=True, type=click.Choice(list(LANGUAGES)))
def create_setting(name: str, slug: str | None, timezone: str, language: str) -> None:
    """Create a setting (nursery, pre-school, children's centre)."""
    from app.settings.models import Setting

    slug = slug or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if db.session.scalar(select(Setting).where(Setting.slug == slug)):
        raise click.ClickException(f"a setting with slug {slug!r} already exists")
    setting = Setting(name=name, slug=slug, timezone=timezone, default_language=language)
    db.session.add(setting)
    db.session.commit()
    click.echo(f"Created setting {setting.name} ({slug}), id {setting.id}")


@click.command("create-user")
@click.argument("setting_slug")
@click.argument("email")
@click.argument("name")
@click.option("--role", default="manager", show_default=True,
              type=click.Choice(["manager", "pico", "key_person", "practitioner"]))
@click.password_option(help="At least 10 characters; asked for when not given.")
def create_user(setting_slug: str, email: str, name: str, role: str, password: str) -> None:
    """Create a staff login (the first manager, on a new install)."""
    from app.auth.services import create_user as make_user
    from app.settings.models import Setting

    setting = db.session.scalar(select(Setting).where(Setting.slug == setting_slug))
    if setting is None:
        raise click.ClickException(f"no setting with slug {setting_slug!r}")
    try:
        user = make_user(setting.id, email, name, role, password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {role} {user.email} for {setting.name}")


@click.group()
def translate() -> None:
    """Extract, update and compile the translation catalogs."""


def _pybabel(*args: str) -> None:
    cmd = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(cmd, cwd=ROOT).returncode:
        raise click.ClickException("pybabel failed: " + " ".join(args))


def _extract() -> None:
    for domain, keywords in DOMAINS.items():
        args = ["extract", "-F", "babel.cfg", "--no-default-keywords", "--sort-by-file",
                "--project", "Homelink", "-o", str(TRANSLATIONS / f"{domain}.pot")]
        for keyword in keywords:
            args += ["-k", keyword]
        _pybabel(*args, "app")


@translate.command()
def extract() -> None:
    """Write messages.pot (parent-facing) and staff.pot (staff-only) from the code."""
    _extract()


@translate.command()
def update() -> None:
    """Extract, then merge new strings into every language's catalog."""
    _extract()
    _pybabel("update", "-i", str(TRANSLATIONS / "messages.pot"), "-d", str(TRANSLATIONS),
             "-D", "messages", "--no-fuzzy-matching")


@translate.command()
@click.argument("lang")
def init(lang: str) -> None:
    """Start a catalog for a new language."""
    _pybabel("init", "-i", str(TRANSLATIONS / "messages.pot"), "-d", str(TRANSLATIONS), "-l", lang)


@translate.command()
def compile() -> None:  # noqa: A001
    """Build the .mo files (done by `make`; .mo files are not committed)."""
    compile_catalogs()


def compile_catalogs() -> None:
    """Compile every messages.po under app/translations."""
    if any(Path(TRANSLATIONS).glob("*/LC_MESSAGES/messages.po")):
        _pybabel("compile", "-d", str(TRANSLATIONS), "-D", "messages")
