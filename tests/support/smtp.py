"""A real SMTP server (aiosmtpd) on 127.0.0.1 with a free port, keeping every message it accepts."""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Store:
    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self._parsed: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.refuse: dict[str, str] = {}  # recipient → "550 text" refused at RCPT
        self.held = False  # True: DATA is taken but not answered until it is False again (a hung server)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        while self.held:
            await asyncio.sleep(0.01)
        with self.lock:
            self.raw.append(envelope.original_content or envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        """Every message received, parsed (lazily: parsing in the server thread would slow senders)."""
        with self.lock:
            for raw in self.raw[len(self._parsed):]:
                self._parsed.append(email.message_from_bytes(raw, policy=email.policy.default))
            return list(self._parsed)


class SmtpSink:
    """Start/stop/restart a real SMTP server on one fixed port; `messages` survives restarts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.store = _Store()
        self._controller: Controller | None = None

    @property
    def messages(self):
        return self.store.messages

    def start(self) -> None:
        self._controller = Controller(self.store, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list:
        """Messages whose envelope recipients include `address`."""
        messages = self.store.messages
        return [m for m, (_, rcpts) in zip(messages, self.store.envelopes) if address in rcpts]
