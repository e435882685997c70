"""Every setting app/config.py reads is documented in README.md and .env.example."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from dotenv import dotenv_values
from honcho.environ import parse as honcho_parse

from app.config import ROOT, _database_url

READ = re.compile(r"""(?:_env|_flag|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_read_by_config() -> set[str]:
    return set(READ.findall((ROOT / "app" / "config.py").read_text()))


def test_every_setting_is_in_the_readme_table_and_env_example():
    names = settings_read_by_config()
    assert {"SECRET_KEY", "DATABASE_URL", "HOMELINK_ENV", "HOMELINK_INSTANCE", "PORT"} <= names
    readme_rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", (ROOT / "README.md").read_text(), re.M))
    example = set(dotenv_values(ROOT / ".env.example"))
    assert names - readme_rows == set(), "settings missing from README.md's table"
    assert names - example == set(), "settings missing from .env.example"
    assert readme_rows == example, "README.md's table and .env.example list different settings"


def test_env_example_means_the_same_to_flask_and_to_honcho():
    text = (ROOT / ".env.example").read_text()
    for_flask = {k: v for k, v in dotenv_values(ROOT / ".env.example").items() if v}
    assert honcho_parse(text) == for_flask


def test_postgres_urls_use_the_installed_driver():
    assert _database_url("postgres://u:p@db/homelink") == "postgresql+psycopg://u:p@db/homelink"
    assert _database_url("postgresql://db/homelink") == "postgresql+psycopg://db/homelink"
    assert _database_url("postgresql+psycopg://db/x") == "postgresql+psycopg://db/x"
    assert _database_url("sqlite:///instance/homelink.db") == "sqlite:///instance/homelink.db"


def test_the_example_env_file_starts_the_app(tmp_path):
    """Copying .env.example to .env (blank values included) gives a working development app."""
    example = {name: value or "" for name, value in dotenv_values(ROOT / ".env.example").items()}
    code = ("from app import create_app; from app.config import INSTANCE; app = create_app(); "
            "print(app.config['ENV_NAME'], INSTANCE, app.config['SQLALCHEMY_DATABASE_URI'])")
    env = {**os.environ, **example, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    instance = ROOT / "instance"
    assert run.stdout.split() == ["development", str(instance), f"sqlite:///{instance / 'homelink.db'}"]
