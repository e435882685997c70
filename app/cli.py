"""Command-line tools: `flask create-setting`, `create-user`, `seed-demo`, `import-families`, `translate …`,
`worker`, `scheduler`."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.config import LANGUAGES, ROOT
from app.extensions import db
from app.privacy.cli import privacy

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
    app.cli.add_command(seed_demo)
    app.cli.add_command(translate)
    app.cli.add_command(import_families)
    app.cli.add_command(worker)
    app.cli.add_command(scheduler)
    app.cli.add_command(privacy)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Workers for ordinary (bulk) jobs in this process.")
@click.option("--urgent-workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes kept for urgent jobs (alerts, illness and closure notices) only.")
@click.option("--processes", is_flag=True, help="Run the workers as processes (one GIL each) instead of threads.")
def worker(threads: int, urgent_workers: int, processes: bool) -> None:
    """Run a queue worker (sends messages); several may run at once."""
    import logging

    from app.tasks import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    kind = "processes" if processes else "threads"
    click.echo(f"Worker running with {threads} {kind}, and {urgent_workers} more processes for urgent "
               "messages only.")
    run_worker(threads, "process" if processes else "thread", urgent_workers)


@click.command("scheduler")
def scheduler() -> None:
    """Run the one scheduler process: sweep, scheduled messages, reminders, escalation (never in web workers)."""
    from app.scheduler import build_scheduler
    from app.tasks import job_app

    jobs = build_scheduler(job_app())
    click.echo("Scheduler running: " + ", ".join(
        f"{job.id} every {int(job.trigger.interval.total_seconds())} s" for job in jobs.get_jobs()) + ".")
    jobs.start()


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


@click.command("import-families")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--setting", "setting_slug", required=True, help="Slug of the setting to import into.")
@click.option("--map", "overrides", multiple=True, metavar="HEADER=FIELD",
              help="Say what a column holds when the guess is wrong (FIELD may be 'ignore'). Repeatable.")
@click.option("--dry-run", is_flag=True, help="Check the file and report, without saving anything.")
def import_families(file: Path, setting_slug: str, overrides: tuple[str, ...], dry_run: bool) -> None:
    """Import children and contacts from a CSV exported by the MIS (bad rows go to FILE.errors.csv)."""
    from app.families.import_upsert import import_table
    from app.families.importer import (FIELDS, ImportFileError, errors_csv, mapping_from_overrides,
                                       mapping_problems, read_table)
    from app.settings.models import Setting

    setting = db.session.scalar(select(Setting).where(Setting.slug == setting_slug))
    if setting is None:
        raise click.ClickException(f"no setting with slug {setting_slug!r}")
    try:
        table = read_table(file.read_bytes())
        pairs = dict(item.split("=", 1) for item in overrides if "=" in item)
        if len(pairs) != len(overrides):
            raise ValueError("--map takes HEADER=FIELD")
        mapping = mapping_from_overrides(table.headers, {k.strip(): v.strip() for k, v in pairs.items()})
    except (ImportFileError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    for header, name in zip(table.headers, mapping):
        click.echo(f"  {header!r} → {FIELDS[name] if name else 'not imported'}")
    problems = mapping_problems(mapping)
    if problems:
        raise click.ClickException(" ".join(problems) + " Use --map HEADER=FIELD.")
    with click.progressbar(length=len(table.rows), label="Importing") as bar:
        result = import_table(setting, table, mapping, progress=bar.update)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    note = " (dry run: nothing saved)" if dry_run else ""
    click.echo(f"{result.total} rows: {result.good} good, {len(result.bad)} bad{note}")
    for kind in ("children", "contacts", "links"):
        counts = result.counts[kind]
        click.echo(f"{kind}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged")
    if result.bad:
        for row in result.bad:
            click.echo(f"line {row.line}: {'; '.join(row.errors)}")
        errors_file = file.with_name(file.name + ".errors.csv")
        errors_file.write_bytes(errors_csv(table, [(row.line, row.cells, row.errors) for row in result.bad]))
        click.echo(f"Wrote the {len(result.bad)} bad rows to {errors_file}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the database already holds any setting (`make run` uses this).")
def seed_demo(if_empty: bool) -> None:
    """Load the invented demo settings, families and staff logins (never in production)."""
    from app import demo

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("demo data has known passwords: not loaded in production")
    if if_empty and demo.has_any_setting():
        if demo.demo_present():
            click.echo(demo.format_summary(demo.demo_summary()))
        else:
            click.echo("The database already holds a setting: no demo data loaded.")
        return
    try:
        summary = demo.seed_demo()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(demo.format_summary(summary))


@click.group()
def translate() -> None:
    """Extract, update and compile the translation catalogs."""


REVIEW_NOTE = """\
{language} translations of Homelink's parent-facing messages.
These translations await review by a native speaker: they were written to be plain
and warm, but a fluent reader should check them before a setting relies on them.
Keep every %(name)s placeholder exactly as it is in the English text."""


def _pybabel(*args: str) -> None:
    cmd = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    if subprocess.run(cmd, cwd=ROOT).returncode:
        raise click.ClickException("pybabel failed: " + " ".join(args))


def extract_domain(domain: str, output: Path) -> None:
    """Write the template (.pot) of one gettext domain, from every string in app/."""
    output.parent.mkdir(parents=True, exist_ok=True)
    # File names without line numbers: line numbers would change every catalog on every edit.
    args = ["extract", "-F", "babel.cfg", "--no-default-keywords", "--sort-by-file", "--no-wrap",
            "--add-location", "file", "--add-comments", "Translators:", "--project", "Homelink",
            "-o", str(output)]
    for keyword in DOMAINS[domain]:
        args += ["-k", keyword]
    _pybabel(*args, "app")


def _extract() -> None:
    for domain in DOMAINS:
        extract_domain(domain, TRANSLATIONS / f"{domain}.pot")


@translate.command()
def extract() -> None:
    """Write messages.pot (parent-facing) and staff.pot (staff-only) from the code."""
    _extract()


@translate.command()
def update() -> None:
    """Extract, then merge new strings into every language's catalog (new ones start empty)."""
    _extract()
    _pybabel("update", "-i", str(TRANSLATIONS / "messages.pot"), "-d", str(TRANSLATIONS),
             "-D", "messages", "--no-fuzzy-matching", "--no-wrap")


@translate.command()
@click.argument("lang", type=click.Choice([code for code in LANGUAGES if code != "en"]))
def init(lang: str) -> None:
    """Start a catalog for a new language (run `flask translate extract` first)."""
    from babel import Locale
    from babel.messages.pofile import read_po, write_po

    template = TRANSLATIONS / "messages.pot"
    if not template.exists():
        raise click.ClickException("run `flask translate extract` first")
    _pybabel("init", "-i", str(template), "-d", str(TRANSLATIONS), "-l", lang, "--no-wrap")
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    catalog.header_comment = "\n".join(
        "# " + line for line in REVIEW_NOTE.format(language=Locale.parse(lang).english_name).splitlines())
    with path.open("wb") as f:
        write_po(f, catalog, width=0)


@translate.command()
def compile() -> None:  # noqa: A001
    """Build the .mo files (done by `make`; .mo files are not committed)."""
    compile_catalogs()


def compile_catalogs() -> None:
    """Compile every messages.po under app/translations."""
    if any(Path(TRANSLATIONS).glob("*/LC_MESSAGES/messages.po")):
        _pybabel("compile", "-d", str(TRANSLATIONS), "-D", "messages")
