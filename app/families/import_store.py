"""Keeping an uploaded import file between the upload, mapping and confirm steps.

Files live in the instance folder, under imports/<setting id>/<random token>.*; the token is kept
in the staff member's session only (never taken from a URL or form), and a small JSON file beside
the upload records which setting and which staff member it belongs to. Nothing is found by a
client-supplied path. After the import the upload is deleted; the result and the bad-rows CSV stay
for a day (swept at the next upload and every night). An erasure deletes every import file of the
setting, since any of them may hold the erased person's details.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_SECONDS = 24 * 3600
_SUFFIXES = (".csv", ".json", ".result.json", ".errors.csv")


def _folder(setting_id: int) -> Path:
    folder = Path(current_app.instance_path) / "imports" / str(int(setting_id))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(setting_id: int, token: str, suffix: str) -> Path:
    if not isinstance(token, str) or not _TOKEN.match(token) or suffix not in _SUFFIXES:
        raise ValueError("bad import token")
    return _folder(setting_id) / f"{token}{suffix}"


def save_upload(setting_id: int, user_id: int, filename: str, data: bytes) -> str:
    """Store an uploaded file; returns the token to keep in the session."""
    sweep(setting_id)
    token = secrets.token_hex(16)
    _path(setting_id, token, ".csv").write_bytes(data)
    write_meta(setting_id, token, {"setting_id": setting_id, "user_id": user_id, "filename": filename[:200],
                                   "mapping": None})
    return token


def write_meta(setting_id: int, token: str, meta: dict[str, Any]) -> None:
    """Save the upload's details (owner, file name, chosen mapping)."""
    _path(setting_id, token, ".json").write_text(json.dumps(meta))


def load_meta(setting_id: int, user_id: int, token: Any) -> dict[str, Any] | None:
    """The upload's details, or None unless it exists and belongs to this setting and staff member."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    try:
        meta = json.loads(_path(setting_id, token, ".json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("setting_id") != setting_id or meta.get("user_id") != user_id:
        return None
    return meta


def read_upload(setting_id: int, token: str) -> bytes | None:
    """The uploaded bytes (None once imported or swept away)."""
    try:
        return _path(setting_id, token, ".csv").read_bytes()
    except OSError:
        return None


def save_result(setting_id: int, token: str, summary: dict[str, Any], errors_csv: bytes | None) -> None:
    """Keep the import's result (and bad rows file) and delete the uploaded file."""
    _path(setting_id, token, ".result.json").write_text(json.dumps(summary))
    if errors_csv is not None:
        _path(setting_id, token, ".errors.csv").write_bytes(errors_csv)
    _path(setting_id, token, ".csv").unlink(missing_ok=True)


def read_result(setting_id: int, token: str) -> dict[str, Any] | None:
    """The saved result of an import, if any."""
    try:
        return json.loads(_path(setting_id, token, ".result.json").read_text())
    except (OSError, ValueError):
        return None


def errors_path(setting_id: int, token: str) -> Path | None:
    """The bad rows CSV of an import, when there were bad rows."""
    path = _path(setting_id, token, ".errors.csv")
    return path if path.exists() else None


def discard(setting_id: int, token: Any) -> None:
    """Delete every file of this upload."""
    if isinstance(token, str) and _TOKEN.match(token):
        for suffix in _SUFFIXES:
            _path(setting_id, token, suffix).unlink(missing_ok=True)


def sweep(setting_id: int) -> None:
    """Delete this setting's import files older than a day (file ages, so the file system's clock)."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _folder(setting_id).iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def discard_all(setting_id: int) -> int:
    """Delete every import file of this setting; returns how many uploads they belonged to."""
    tokens = {path.name[:32] for path in _folder(setting_id).iterdir() if _TOKEN.match(path.name[:32])}
    for token in tokens:
        discard(setting_id, token)
    return len(tokens)
