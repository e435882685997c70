"""Logs never hold full phone numbers, email addresses, link tokens or message bodies.

A log record factory masks every record as it is made, whichever logger or handler it goes to
(werkzeug's request lines hold /l/<token>, the twilio client logs the To and Body it posts, SMTP errors
quote addresses); tracebacks are masked too.
"""
from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+)(?:\.[\w-]+)+")
# Phone numbers: +447700900123, %2B447700900123, 07700 900123, (0161) 496 0000 …: keep the last 3 digits.
PHONE = re.compile(r"(?<![\w/])(?:(?:\+|%2B|00)\d(?:[ ()-]?\d){8,14}|\(?0\d(?:[ ()]{0,2}\d){8,10})(?![\w/])", re.I)
# Personal-link and unsubscribe paths, and token= / signature parameters.
TOKEN_PATH = re.compile(r"(/(?:l|unsubscribe|s|r)/)[A-Za-z0-9_\-.~%]{12,}")
TOKEN_PARAM = re.compile(r"((?:token|key|signature|sig)=)[^&\s'\"]+", re.I)
# Message bodies as the twilio client and form dumps show them.
BODY = re.compile(r"""((?:['"]?Body['"]?|body_text|body_html|sms_text)\s*[:=]\s*)(['"]?)(.*?)(\2)(?=[,&}\n]|$)""",
                  re.S)
MASK = "***"
_installed = False


def _phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return MASK + digits[-3:]


def redact(text: str) -> str:
    """The text with emails, phone numbers, link tokens and message bodies masked."""
    if not text:
        return text
    text = BODY.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(4)}", text)
    text = TOKEN_PATH.sub(lambda m: m.group(1) + MASK, text)
    text = TOKEN_PARAM.sub(lambda m: m.group(1) + MASK, text)
    text = EMAIL.sub(lambda m: f"{m.group(1)}{MASK}@{m.group(2)}.{MASK}", text)
    return PHONE.sub(_phone, text)


def install() -> None:
    """Mask every log record from now on (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
