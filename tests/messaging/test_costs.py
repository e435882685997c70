"""SMS cost per language for compose screens."""
from flask import render_template_string

from app.messaging.costs import sms_costs


def test_costs_per_language_and_warning_over_three_segments(app):
    costs = sms_costs({"en": "Park trip on Friday.", "pl": "ę" * 300}, {"en": 10, "pl": 4}, price_per_segment=0.05)
    en, pl = costs
    assert (en.segments.segments, en.per_parent, en.total, en.too_long) == (1, 0.05, 0.5, False)
    assert (pl.segments.encoding, pl.segments.segments, pl.too_long) == ("UCS-2", 5, True)
    assert pl.total == 1.0


def test_cost_table_macro_shows_the_warning(app):
    costs = sms_costs({"pl": "ę" * 300}, {"pl": 2})
    with app.test_request_context():
        html = render_template_string(
            '{% from "messaging/_sms_cost.html" import sms_cost_table %}{{ sms_cost_table(costs, languages) }}',
            costs=costs, languages=app.config["LANGUAGES"])
    assert "Polski" in html and "over 3 segments" in html and "UCS-2" in html
