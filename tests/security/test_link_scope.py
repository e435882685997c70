"""Personal links are scoped: a link of one purpose (a survey) opens nothing of another (an RSVP),
a link scoped to one survey or workshop opens no other, and family A's link never reaches family
B's things (setting B has its own sent newsletter, survey, workshop, poll and digest)."""
from __future__ import annotations

import pytest

from tests.security.harness import outcome
from tests.security.world import NAMES_A, NAMES_B


def visit(matrix, who: str, path: str, method: str = "GET"):
    """(status, page text) of one request by a browser of the matrix (rolled back after)."""
    with matrix.tx.each():
        response = matrix.browsers[who].open(method, path, data={})
        return outcome(response), response.get_data(as_text=True)


def test_a_survey_link_opens_its_survey_and_no_rsvp(matrix):
    ids = matrix.world.ids
    assert visit(matrix, "parent:survey", "/survey")[0] == 302
    status, page = visit(matrix, "parent:survey", f"/survey/{ids['survey']}/1")
    assert status == 200 and "Best day?" in page
    for method, path in [("GET", "/rsvp"), ("GET", f"/rsvp/{ids['workshop']}"),
                         ("POST", f"/rsvp/{ids['workshop']}"), ("GET", "/family"),
                         ("GET", f"/poll/{ids['poll']}"), ("GET", f"/news/{ids['issue']}")]:
        status, page = visit(matrix, "parent:survey", path, method)
        assert status == 403, (method, path, status)
        assert "Messy play" not in page


def test_an_rsvp_link_opens_its_workshop_and_no_survey(matrix):
    ids = matrix.world.ids
    status, page = visit(matrix, "parent:rsvp", f"/rsvp/{ids['workshop']}")
    assert status == 200 and "Messy play" in page
    for method, path in [("GET", "/survey"), ("GET", f"/survey/{ids['survey']}/1"),
                         ("POST", f"/survey/{ids['survey']}/1"), ("GET", f"/survey/{ids['survey']}/thanks"),
                         ("GET", "/family"), ("GET", "/family/feedback")]:
        status, page = visit(matrix, "parent:rsvp", path, method)
        assert status == 403, (method, path, status)
        assert "Best day?" not in page


@pytest.mark.parametrize("purpose, path", [
    ("survey", "/survey/{draft_survey}/1"),  # another survey of the same setting
    ("survey", "/survey/{b_survey}/1"),
    ("rsvp", "/rsvp/{b_workshop}"),
    ("poll", "/poll/{b_poll}"),
    ("newsletter", "/news/{b_issue}"),
    ("activities", "/home-learning/{b_digest}"),
])
def test_a_scoped_link_opens_nothing_else(matrix, purpose, path):
    status, page = visit(matrix, f"parent:{purpose}", path.format(**matrix.world.ids))
    assert status in (403, 404), status
    assert not any(name in page for name in NAMES_B)


@pytest.mark.parametrize("path", ["/news/{b_issue}", "/rsvp/{b_workshop}", "/poll/{b_poll}",
                                  "/survey/{b_survey}/1", "/home-learning/{b_digest}"])
def test_family_a_link_never_reaches_family_b(matrix, path):
    status, page = visit(matrix, "parent:family", path.format(**matrix.world.ids))
    assert status in (403, 404), status
    assert not any(name in page for name in NAMES_B)


def test_each_family_page_shows_its_own_family_only(matrix):
    status, page = visit(matrix, "parent:family", "/family")
    assert status == 200 and "Amelia" in page
    assert not any(name in page for name in NAMES_B)
    status, page = visit(matrix, "parent_b", "/family")
    assert status == 200 and "Bartholomew" in page
    assert not any(name in page for name in NAMES_A)

