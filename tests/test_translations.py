"""The parent-facing catalogs: complete, compiling, faithful to placeholders, in step with the code."""
from __future__ import annotations

import io
import re

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.cli import TRANSLATIONS, extract_domain
from app.config import LANGUAGES

TRANSLATED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PERCENT = re.compile(r"%(?!\(\w+\)s|%)")


def _catalog(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=code)


def _messages(catalog):
    return [m for m in catalog if m.id]


def test_every_language_has_a_catalog():
    assert set(TRANSLATED) == {"pl", "ro", "ur", "ar", "bn", "pa", "pt", "es", "so", "lt"}
    for code in TRANSLATED:
        assert (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").is_file(), code


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_is_complete_and_compiles(code):
    catalog = _catalog(code)
    untranslated = [m.id for m in _messages(catalog) if not m.string]
    fuzzy = [m.id for m in _messages(catalog) if m.fuzzy]
    assert untranslated == [] and fuzzy == [], (untranslated, fuzzy)
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert problems == []
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert len(buffer.getvalue()) > 1000


@pytest.mark.parametrize("code", TRANSLATED)
def test_header_says_translations_await_native_speaker_review(code):
    assert "await review by a native speaker" in _catalog(code).header_comment


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders(code):
    for message in _messages(_catalog(code)):
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id
        assert not PERCENT.search(message.string), (message.id, message.string)  # a lone % breaks rendering


def test_catalogs_hold_every_string_in_the_code(tmp_path):
    template = tmp_path / "messages.pot"
    extract_domain("messages", template)
    with template.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    assert len(wanted) > 40
    for code in TRANSLATED:
        have = {m.id for m in _messages(_catalog(code))}
        assert sorted(wanted - have) == [], f"{code}: run `flask translate update` and translate"
