"""Markdown to safe HTML (markdown-it-py, then nh3) and to plain text; uploads checked by content."""
from __future__ import annotations

import re
import secrets
from html.parser import HTMLParser

import nh3
from flask import current_app
from markdown_it import MarkdownIt

from app.extensions import db
from app.newsletters.models import Upload

# Raw HTML is parsed so that nh3 can strip what is unsafe (a <script> and its content vanish, not shown as text).
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
TAGS = {"h1", "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "ul", "ol", "li", "a", "img", "blockquote",
        "code", "pre", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# What a file's first bytes must be for each type we accept (the browser's claimed type is not trusted).
SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


def to_html(markdown: str) -> str:
    """Markdown as HTML with anything unsafe removed (raw HTML is never passed through)."""
    return nh3.clean(_markdown.render(markdown or ""), tags=TAGS, attributes=ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


class _TextMaker(HTMLParser):
    """Sanitised HTML to readable plain text: paragraphs, '- ' list items, 'text (address)' links."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "table", "tr", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.href: list[str | None] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "img":
            self.out.append(f"[{attrs.get('alt') or ''}]")
        elif tag == "a":
            self.href.append(attrs.get("href"))

    def handle_endtag(self, tag) -> None:
        if tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self.out.append(f" ({href})")
        elif tag in ("td", "th"):
            self.out.append("  ")

    def handle_data(self, data) -> None:
        self.out.append(data)


def to_text(markdown: str) -> str:
    """The Markdown as plain text, made from the sanitised HTML (so nothing unsafe survives)."""
    maker = _TextMaker()
    maker.feed(to_html(markdown))
    maker.close()
    text = "".join(maker.out)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip().replace("<", "‹").replace(">", "›")


class UploadError(ValueError):
    """A file we will not keep: `reason` is 'type' or 'size'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(data: bytes) -> str | None:
    """The content type of `data` by its first bytes, if it is one we accept."""
    for content_type, heads in SIGNATURES.items():
        if any(data.startswith(h) for h in heads):
            return content_type
    return None


def save_upload(setting_id: int, issue_id: int | None, filename: str, data: bytes, images_only: bool) -> Upload:
    """Keep an uploaded image or PDF (checked by its content and size), or raise UploadError."""
    content_type = sniff(data)
    if content_type is None or (images_only and content_type not in IMAGE_TYPES):
        raise UploadError("type")
    limit = MAX_IMAGE_BYTES if content_type in IMAGE_TYPES else MAX_ATTACHMENT_BYTES
    if len(data) > limit:
        raise UploadError("size")
    safe_name = "".join(ch for ch in (filename or "file") if ch.isalnum() or ch in "._-")[-100:] or "file"
    upload = Upload(setting_id=setting_id, issue_id=issue_id, key=secrets.token_urlsafe(18),
                    filename=safe_name, content_type=content_type, size=len(data), data=data)
    db.session.add(upload)
    db.session.flush()
    return upload


def file_url(upload: Upload) -> str:
    """The absolute public URL of an upload (unguessable; works in emails and without a session)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    path = current_app.url_map.bind("localhost").build("newsletters.file",
                                                       {"key": upload.key, "filename": upload.filename})
    return base + path
