"""The messaging peers (aiosmtpd, Prism Twilio mock, manual queue) and a family for alerts tests."""
from __future__ import annotations

import pytest

from tests.messaging.conftest import prism_server, queue, smtp, twilio, twilio_token  # noqa: F401


@pytest.fixture
def family(make):
    """A child with two parents (PR), a grandparent (authorised), a childminder and a restricted father."""
    setting = make.setting(phone="01632 960123")
    room = make.room(setting, "Pre-school")
    child = make.child(setting, room=room, first_name="Amara", last_name="Okafor")
    mum = make.contact(setting, children=[child], first_name="Ngozi", mobile="+447700900201",
                       language="pl", channels="sms", priority=1)
    dad2 = make.contact(setting, children=[child], first_name="Tomasz", mobile="+447700900202",
                        channels="both", priority=2)
    gran = make.contact(setting, children=[child], first_name="Gran", mobile="+447700900203",
                        parental_responsibility=False, priority=3, relationship_label="Grandmother")
    minder = make.contact(setting, children=[child], first_name="Minder", mobile="+447700900204",
                          parental_responsibility=False, priority=4, relationship_label="Childminder")
    banned = make.contact(setting, children=[child], first_name="Banned", mobile="+447700900205",
                          restricted=True, priority=0)
    practitioner = make.user(setting, role="practitioner", room=room)
    return {"setting": setting, "room": room, "child": child, "mum": mum, "dad2": dad2, "gran": gran,
            "minder": minder, "banned": banned, "practitioner": practitioner}
