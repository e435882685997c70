"""The dashboard: this term beside the previous one, a chart over four terms, and figures kept for a
while (counted again on request, or once they are old)."""
from __future__ import annotations

import re

from tests.evidence.helpers import Rows, utc


def _card(page: str, heading: str) -> str:
    """The text of one figure's card, tags removed."""
    html = page.split(f">{heading}</h2>", 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_this_term_beside_last_term_with_a_trend(make, login_as, frozen_clock):
    setting = make.setting()
    rows = Rows()
    families = [make.contact(setting, [make.child(setting)]) for _ in range(4)]
    for parent in families[:3]:
        rows.delivery(parent, "sent", utc(2026, 10, 1))  # autumn 2026: 3 of 4
    rows.delivery(families[0], "sent", utc(2026, 5, 1))  # summer 2026: 1 of 4
    rows.delivery(families[1], "sent", utc(2026, 2, 1))  # spring 2026: 1 of 4
    client = login_as(make.user(setting, role="pico"))
    page = client.get("/evidence/").get_data(as_text=True)
    assert "Parental involvement: Autumn term 2026" in page
    card = _card(page, "Families reached")
    assert card.startswith("This term 3 of 4 (75%) Summer term 2026 1 of 4 (25%)"), card
    assert ("Autumn term 2025 0 of 4 (0%) Spring term 2026 1 of 4 (25%) Summer term 2026 1 of 4 (25%) "
            "Autumn term 2026 3 of 4 (75%)") in card
    assert 'style="width: 75%"' in page  # the bar repeats the number


def test_figures_are_kept_until_counted_again(make, login_as, frozen_clock):
    setting = make.setting()
    rows = Rows()
    first = make.contact(setting, [make.child(setting)])
    second = make.contact(setting, [make.child(setting)])
    rows.delivery(first, "sent", utc(2026, 10, 1))
    rows.delivery(first, "sent", utc(2026, 5, 1))
    client = login_as(make.user(setting, role="manager"))
    assert _card(client.get("/evidence/").get_data(as_text=True), "Families reached").startswith(
        "This term 1 of 2 (50%) Summer term 2026 1 of 2 (50%)")
    rows.delivery(second, "sent", utc(2026, 11, 20))
    rows.delivery(second, "sent", utc(2026, 6, 1))
    frozen_clock.advance(minutes=5)
    page = client.get("/evidence/").get_data(as_text=True)
    assert "Counted at 23/11/2026, 09:00" in page
    assert _card(page, "Families reached").startswith("This term 1 of 2 (50%)")  # kept
    assert client.post("/evidence/recount").status_code == 302
    assert _card(client.get("/evidence/").get_data(as_text=True), "Families reached").startswith(
        "This term 2 of 2 (100%) Summer term 2026 1 of 2 (50%)")  # last term is kept longer
    frozen_clock.advance(hours=13)
    assert _card(client.get("/evidence/").get_data(as_text=True), "Families reached").startswith(
        "This term 2 of 2 (100%) Summer term 2026 2 of 2 (100%)")
