"""Survey tests reuse the messaging peers: a real SMTP sink and the Twilio mock."""
from tests.messaging.conftest import prism_server, queue, smtp, twilio  # noqa: F401
