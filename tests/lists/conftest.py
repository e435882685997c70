"""Saved-list tests send newsletters through the messaging peers: a real SMTP server and the queue."""
from tests.messaging.conftest import queue, smtp  # noqa: F401
