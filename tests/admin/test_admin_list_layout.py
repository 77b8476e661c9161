"""Admin change lists an editor reads at 1,280 px: long titles wrap inside the content column,
and the derived lists say what each row is.

Django marks every ForeignKey column "nowrap"; before ledger.css undid that for titles and
names, one question title made the predictions list 2,127 px wide in a 631 px column.
"""

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from seeds.loader import load_seeds
from tests.browser_support import launch_browser, log_in, new_page


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    yield from launch_browser(monkeypatch)


def _widths(page, path: str) -> dict:  # noqa: ANN001
    response = page.goto(path)
    assert response.status == 200, path
    return page.evaluate(
        """() => {
            const results = document.querySelector('.results');
            const widest = (name) => Math.max(0, ...Array.from(
                document.querySelectorAll(`#result_list tbody .field-${name}`),
                (cell) => cell.getBoundingClientRect().width));
            return {scroll: results.scrollWidth, client: results.clientWidth,
                    question: widest('question'), source: widest('source')};
        }"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_titles_wrap_so_lists_stay_in_the_content_column(browser, live_server, carol: User):
    load_seeds()
    page = new_page(browser, live_server.url)  # 1,280 × 900, the admin's navigation open
    log_in(page, "carol", "pw-carol")

    predictions = _widths(page, "/admin/forecasts/prediction/")
    # A seed title is ~70 characters: on one line it took 899 px, the source 665 px.
    assert 0 < predictions["question"] < 300, predictions
    assert 0 < predictions["source"] < 300, predictions

    # Lists with fewer columns now fit without scrolling sideways (before: 1,158, 1,462 and
    # 1,468 px in 631–901 px).
    for path in (
        "/admin/forecasts/review/",
        "/admin/forecasts/questionrevision/",
        "/admin/forecasts/predictionscore/",
    ):
        widths = _widths(page, path)
        assert widths["scroll"] <= widths["client"], (path, widths)
    assert not page.script_errors


@pytest.mark.django_db
def test_track_record_list_names_each_records_scope_and_rounds_its_figures(client, carol):
    load_seeds()
    client.force_login(carol)
    page = client.get("/admin/forecasts/trackrecord/").content.decode()
    cells = re.findall(r'<td class="field-scope">([^<]*)</td>', page)
    assert set(cells) == {"all", "prospective only"}
    briers = re.findall(r'<td class="field-brier_shown">([^<]*)</td>', page)
    assert briers
    assert all(re.fullmatch(r"-|\d\.\d{4}", value) for value in briers), briers
    filtered = client.get("/admin/forecasts/trackrecord/?prospective_only__exact=1")
    scopes = re.findall(r'<td class="field-scope">([^<]*)</td>', filtered.content.decode())
    assert set(scopes) == {"prospective only"}
