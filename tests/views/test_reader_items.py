"""What readers see around the figures: staff-only links in the header, a favicon, and the
leaderboard's calibration column in words."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from forecasts.views.charts import calibration_gap


def _nav(client: Client) -> str:
    html = client.get("/").content.decode()
    return html[html.index('<nav class="site-nav"') : html.index("</nav>")]


@pytest.mark.django_db
def test_readers_see_no_review_queue_or_admin_link(client):
    nav = _nav(client)
    assert "Leaderboard" in nav
    assert "API docs" in nav
    assert "Review queue" not in nav
    assert "/admin/" not in nav


@pytest.mark.django_db
def test_a_signed_in_non_staff_user_does_not_see_them_either(client):
    client.force_login(User.objects.create_user("reader", password="pw-reader"))
    assert "Review queue" not in _nav(client)


@pytest.mark.django_db
def test_signed_in_staff_see_both(client, bob):
    client.force_login(bob)
    nav = _nav(client)
    assert "Review queue" in nav
    assert 'href="/admin/"' in nav


@pytest.mark.django_db
def test_the_favicon_answers_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header: one image follows
    assert "max-age" in response["Cache-Control"]


def _bin(mean_forecast: float, observed_rate: float, count: int) -> dict:
    return {"mean_forecast": mean_forecast, "observed_rate": observed_rate, "count": count}


@pytest.mark.parametrize(
    ("bins", "points", "leaning"),
    [
        ([_bin(0.9, 1.0, 5)], 10, "underconfident"),
        ([_bin(0.9, 0.6, 10)], 30, "overconfident"),
        ([_bin(0.1, 0.4, 10)], 30, "overconfident"),  # "unlikely" things that happen often
        ([_bin(0.8, 0.8, 4), _bin(0.2, 0.2, 4)], 0, "well calibrated"),
        # Weighted by forecasts: 9 calls 2 points off and 1 call 50 points off.
        ([_bin(0.7, 0.72, 9), _bin(0.3, 0.8, 1)], 7, "overconfident"),
        ([_bin(0.5, 1.0, 2)], 50, "well calibrated"),  # 50% leans neither way
    ],
)
def test_calibration_gap(bins, points, leaning):
    gap = calibration_gap(bins)
    assert (gap.points, gap.leaning) == (points, leaning)
    assert f"{points} percentage points" in gap.description


def test_no_scored_forecasts_no_gap():
    assert calibration_gap([]) is None
