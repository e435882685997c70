"""Activity tests use the messaging peers: a real SMTP server."""
from tests.messaging.conftest import queue, smtp  # noqa: F401
