"""Email over SMTP through Flask-Mail's connection: multipart text + HTML, UTF-8, quoted-printable.

Flask-Mail 0.10 writes UTF-8 bodies as raw 8bit with no line wrapping; a newsletter paragraph longer
than 998 characters is then refused by strict servers. Bodies here are quoted-printable, built by
app.messaging.mime (fast enough for bulk sends) and sent on Flask-Mail's configured SMTP connection.
"""
from __future__ import annotations

import smtplib
import socket
from email.utils import make_msgid

from flask import current_app

from app.extensions import mail
from app.messaging import mime
from app.messaging.channels.base import Channel, Envelope, PermanentError, TransientError


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def _smtp_error(exc: Exception) -> Exception:
    """Map an smtplib/socket error to a transient or permanent send error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return _by_code(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _by_code(exc.smtp_code, exc.smtp_error)
    return TransientError("smtp_unreachable", f"The mail server could not be reached ({exc.__class__.__name__}).")


def _by_code(code: int, text) -> Exception:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if 500 <= code < 600:
        return PermanentError("email_refused", f"The mail server refused this address ({code} {text}).")
    return TransientError("smtp_busy", f"The mail server asked us to try later ({code} {text}).")


def _refused(smtp: smtplib.SMTP, code: int) -> None:
    """What smtplib's sendmail does before raising: drop a closing connection, else reset the transaction."""
    if code == 421:
        smtp.close()
    else:
        smtp._rset()  # noqa: SLF001 — smtplib's own reset that ignores a dead connection


def sendmail_stuffed(smtp: smtplib.SMTP, sender: str, to: str, data: bytes) -> None:
    """smtplib's sendmail for one recipient and data already dot-stuffed (mime.Encoder(smtp_data=True)).

    Same commands, SIZE option and errors as `SMTP.sendmail`, without its second pass over the whole
    message to double leading dots, and with addresses already normalised (no re-parsing)."""
    smtp.ehlo_or_helo_if_needed()
    size = f" size={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    smtp.putcmd("mail", f"FROM:<{sender}>{size}")
    code, reply = smtp.getreply()
    if code != 250:
        _refused(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    smtp.putcmd("rcpt", f"TO:<{to}>")
    code, reply = smtp.getreply()
    if code not in (250, 251):
        _refused(smtp, code)
        raise smtplib.SMTPRecipientsRefused({to: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _refused(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    smtp.send(data + (b".\r\n" if data.endswith(b"\r\n") else b"\r\n.\r\n"))
    code, reply = smtp.getreply()
    if code != 250:
        _refused(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


class EmailChannel(Channel):
    """One SMTP connection per batch, reopened after a failure; each body line encoded once per batch."""

    name = "email"

    def __init__(self) -> None:
        self._connection = None
        self._encoder = mime.Encoder(smtp_data=True)

    def open(self) -> None:
        """Connect to the SMTP server (lazily done by send too)."""
        if self._connection is None:
            self._connection = mail.connect()
            self._connection.__enter__()

    def close(self) -> None:
        """Quit the SMTP session, ignoring a connection already gone."""
        if self._connection is not None:
            try:
                self._connection.__exit__(None, None, None)
            except (smtplib.SMTPException, OSError):
                pass
            self._connection = None

    def send(self, envelope: Envelope) -> str:
        """Send one email; returns its Message-ID."""
        sender = current_app.config["MAIL_DEFAULT_SENDER"]
        message_id = make_msgid(domain=_domain(sender))
        data = mime.build(sender=(envelope.sender_name, sender), to=envelope.to, subject=envelope.subject,
                          text=envelope.body_text, html=envelope.body_html, message_id=message_id,
                          headers={"Content-Language": envelope.language, **envelope.headers},
                          attachments=envelope.attachments, encoder=self._encoder)
        try:
            self.open()
            if self._connection.host is None:  # MAIL_SUPPRESS_SEND (Flask-Mail's testing switch)
                return message_id
            sendmail_stuffed(self._connection.host, sender, envelope.to, data)
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            error = _smtp_error(exc)
            if error.transient:
                self._drop()
            raise error from exc
        return message_id

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.close()
            except OSError:
                pass
