"""Machine translation: a small provider interface and one adapter for a LibreTranslate-compatible API.

Off unless TRANSLATE_URL is set. Machine output is always saved as "needs review".
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Protocol

from flask import current_app


class TranslationError(Exception):
    """The provider could not translate (unreachable, refused, unexpected answer)."""


class Translator(Protocol):
    """Anything that can translate plain or Markdown text between two language codes."""

    def translate(self, text: str, source: str, target: str) -> str:
        """`text` in `target`."""


class LibreTranslate:
    """POST /translate of a LibreTranslate-compatible server (q, source, target, format, api_key)."""

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 20) -> None:
        self.url = url.rstrip("/") + "/translate"
        self.api_key = api_key
        self.timeout = timeout

    def translate(self, text: str, source: str, target: str) -> str:
        """`text` in `target`, or TranslationError."""
        if not text.strip():
            return text
        payload = {"q": text, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(self.url, data=json.dumps(payload).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                answer = json.loads(response.read().decode())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise TranslationError(str(exc)) from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("translatedText"), str):
            raise TranslationError("unexpected answer from the translation service")
        return answer["translatedText"]


def translator() -> Translator | None:
    """The configured provider, or None when machine translation is off."""
    url = current_app.config.get("TRANSLATE_URL")
    return LibreTranslate(url, current_app.config.get("TRANSLATE_API_KEY")) if url else None
