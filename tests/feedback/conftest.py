"""Feedback tests use the real SMTP sink of the messaging tests."""
from tests.messaging.conftest import smtp  # noqa: F401
