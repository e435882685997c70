"""Results: rates, charts with numbers, free text with its language, filters only for groups of five."""
from __future__ import annotations

from app.extensions import db
from app.surveys import services
from tests.surveys.helpers import answer_all, link_path, simple_survey


def _answers(client, make, smtp, n_ro=5, n_en=2):
    setting = make.setting()
    big, small = make.room(setting, "Acorns"), make.room(setting, "Oaks")
    parents = []
    for i in range(n_ro):
        parents.append(make.contact(setting, children=[make.child(setting, room=big)], channels="email", language="ro"))
    for i in range(n_en):
        parents.append(make.contact(setting, children=[make.child(setting, room=small)], channels="email"))
    silent = make.contact(setting, children=[make.child(setting, room=small)], channels="email")
    survey, q = simple_survey(setting, audience={"all": True}, channels="email")
    db.session.commit()
    services.open_and_invite(survey)
    for i, parent in enumerate(parents):
        client.post("/family/leave")
        client.get(link_path(smtp.to(parent.email)[0]))
        answer_all(client, survey, q, like="sa" if i % 2 else "a", idea=f"idea {i}")
    return setting, survey, q, silent


def test_results_show_rates_bars_with_numbers_and_free_text(client, make, smtp, login_as):
    setting, survey, q, silent = _answers(client, make, smtp)
    login_as(make.user(setting, role="pico"))
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "<td>8</td><td>7</td><td>88%</td>" in page  # overall: 8 invited, 7 answered
    assert "<td>Acorns</td><td>5</td><td>5</td><td>100%</td>" in page
    assert "<td>Oaks</td><td>3</td><td>2</td><td>67%</td>" in page
    assert "<td>Română</td>" in page or "<td>ro</td>" in page
    assert "<span>Strongly agree</span>" in page and "<span>3</span>" in page and "<span>4</span>" in page
    assert 'lang="ro">idea 0' in page
    # Filters: Acorns (5 answers) and Romanian (5) are offered; Oaks (2) and English (2) are not.
    filters = page.split('<form method="get" class="search">')[1].split("</form>")[0]
    assert '<option value="ro"' in filters and '<option value="en"' not in filters
    assert "Acorns</option>" in filters and "Oaks</option>" not in filters
    filtered = client.get(f"/surveys/{survey.id}/results?lang=ro").get_data(as_text=True)
    assert "idea 0" in filtered and "idea 5" not in filtered
    # A filter for a small group is ignored (everything is shown instead).
    small = client.get(f"/surveys/{survey.id}/results?lang=en").get_data(as_text=True)
    assert "idea 5" in small and "idea 0" in small


def test_staff_of_another_setting_get_404(client, make, smtp, login_as):
    setting, survey, q, silent = _answers(client, make, smtp, n_ro=1, n_en=0)
    login_as(make.user(make.setting(), role="manager"))
    for path in ("results", "export.csv", "translate/pl"):
        assert client.get(f"/surveys/{survey.id}/{path}").status_code == 404
    assert client.get(f"/surveys/{survey.id}").status_code == 404


def test_key_person_cannot_see_results(client, make, smtp, login_as):
    setting, survey, q, silent = _answers(client, make, smtp, n_ro=1, n_en=0)
    login_as(make.user(setting, role="key_person"))
    assert client.get(f"/surveys/{survey.id}/results").status_code == 403
