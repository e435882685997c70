from datetime import date

from app.evidence.terms import previous_term, recent_terms, term_containing


def test_terms_cover_the_year_without_gaps(app):
    day, seen = date(2026, 1, 1), set()
    while day.year == 2026:
        term = term_containing(day)
        assert term.start <= day <= term.end
        seen.add(term.season)
        day = term.end_exclusive
    assert seen == {"spring", "summer", "autumn"}


def test_previous_term_crosses_the_new_year(app):
    spring = term_containing(date(2027, 2, 10))
    autumn = previous_term(spring)
    assert (autumn.season, autumn.start, autumn.end) == ("autumn", date(2026, 9, 1), date(2026, 12, 31))
    with app.test_request_context():
        assert autumn.label == "Autumn term 2026"
    assert [t.season for t in recent_terms(date(2026, 11, 23), 4)] == ["autumn", "spring", "summer", "autumn"]
