"""The whole journey in a real browser, from an article to the leaderboard.

An editor pastes an article into the admin's extraction assistant and confirms two
predictions; their deadline passes and the sweep runs; the reminder digest reaches a real SMTP
server; the reviewer follows its signed link, logs in and resolves both with evidence; the
leaderboard, the expert's page (with its calibration chart) and the question page show it.
Each step leaves a screenshot in var/screenshots/.
"""

import datetime as dt
import email
import re
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from forecasts import services, tasks
from forecasts.models import Expert, Question, Source
from seeds.loader import load_seeds
from tests.browser_support import launch_browser, log_in, new_page, screenshot
from tests.fault_support import SmtpServer, SmtpSink, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 30.0
EXPERT = "Henrike Adeyemi-Vasconcelos"


def article(year: int) -> str:
    """Two forecasts by one named expert, and a fact that is no forecast."""
    return (
        "Tramline 4: what the council decided\n"
        "The city council approved the budget for the eastern tram extension on Tuesday "
        "after a three-hour debate.\n"
        f"“The eastern tram extension will probably carry its first passengers by the end of "
        f"{year},” said transport economist {EXPERT}.\n"
        "The extension is 6.2 kilometres long and has eleven stops.\n"
        f"“Single fares will almost certainly not rise above three euros before June {year},” "
        "Adeyemi-Vasconcelos added."
    )


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    """Closed before the live server stops, so no request of its is left open."""
    yield from launch_browser(monkeypatch)


@pytest.fixture
def smtp(settings, live_server) -> Iterator[SmtpSink]:
    """aiosmtpd on a free loopback port; digests go there, with links to the live server."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.SITE_URL = live_server.url
    yield server.sink
    server.stop()


@pytest.fixture
def newsroom(alice: User, bob: User) -> Source:
    """The demo record for company on the leaderboard, and the source the editor works on."""
    load_seeds()
    return Source.objects.create(
        kind="article",
        title="Tramline 4: what the council decided",
        outlet="The Riverside Courier",
        url="https://example.org/courier/tramline-4",
        published_on=timezone.localdate() - dt.timedelta(days=60),
    )


def review_links(message: email.message.Message) -> dict[str, str]:
    """Question title → its signed review link, from the digest's plain-text part."""
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode().replace("\r\n", "\n")
    items = re.findall(r"^- (.+?)\n.*?\n\s+Review it: (\S+)", body, re.MULTILINE)
    return dict(items)


def test_an_article_becomes_a_scored_track_record(browser, live_server, smtp, newsroom, bob):
    started = time.monotonic()
    year = timezone.localdate().year + 1

    # 1. The editor opens the source in the admin and pastes the article into the assistant.
    editor = new_page(browser, live_server.url)
    log_in(editor, "alice", "pw-alice")
    editor.get_by_role("link", name="Sources").first.click()
    editor.get_by_role("link", name=newsroom.title).click()
    screenshot(editor, "journey-01-admin-source")
    editor.get_by_role("link", name="Extract predictions").click()
    editor.get_by_label("Paste the text").fill(article(year))
    editor.get_by_role("button", name="Read the article").click()
    rows = editor.locator("table.ledger-candidates tbody tr")
    assert rows.count() == 2
    # The assistant's second title reads "Will Single fares …"; the editor puts it right.
    second = rows.nth(1)
    second.get_by_label("Question title").fill(
        f"Will single fares rise above three euros before June {year}?"
    )
    criteria = second.get_by_label("Resolution criteria")
    criteria.fill(criteria.input_value().replace("“Will Single", "“Will single"))
    for index in range(2):
        rows.nth(index).get_by_label("Confirm").check()
    screenshot(editor, "journey-02-extraction-candidates")
    editor.get_by_role("button", name="Record the ticked predictions").click()
    editor.get_by_text("Recorded 2 predictions from this source.").wait_for()
    screenshot(editor, "journey-03-extraction-recorded")
    expert = Expert.objects.get(name=EXPERT)
    questions = list(Question.objects.filter(predictions__expert=expert).order_by("deadline"))
    assert len(questions) == 2

    # 2. Time moves past the deadline: the council brings both dates forward to yesterday,
    #    then the beat's sweep and reminder pass run (eagerly, as tasks).
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for question in questions:
        services.update_question(
            question=question,
            title=question.title,
            resolution_criteria=question.resolution_criteria,
            deadline=yesterday,
            reason="The council brought the decision forward to yesterday's session.",
        )
    assert tasks.mark_due_questions.delay().get()["marked_due"] >= 2
    tasks.send_review_reminders.delay()
    wait_for(lambda: any(m["To"] == bob.email for m in smtp.messages), "bob's digest", timeout=WAIT)
    digest = next(m for m in smtp.messages if m["To"] == bob.email)
    assert "waiting for your verdict" in digest["Subject"]
    links = review_links(digest)
    assert {q.title for q in questions} <= set(links)
    assert all(link.startswith(live_server.url) for link in links.values())

    # 3. The reviewer follows the first link: the login form, then the item itself.
    reviewer = new_page(browser, live_server.url)
    reviewer.goto(links[questions[0].title])
    assert "/admin/login/" in reviewer.url
    screenshot(reviewer, "journey-04-review-link-asks-to-log-in")
    reviewer.get_by_label("Username").fill("bob")
    reviewer.get_by_label("Password").fill("pw-bob")
    reviewer.get_by_role("button", name="Log in").click()
    reviewer.wait_for_url(f"**/review/questions/{questions[0].pk}/")
    reviewer.get_by_role("heading", name=questions[0].title, level=1).wait_for()
    form = reviewer.locator("form.review-form")
    form.get_by_label("NO", exact=True).check()
    form.get_by_label("Note").fill("The fare table published in March puts singles at 3.20.")
    screenshot(reviewer, "journey-05-review-item")
    # Forgetting the evidence is refused, saying what to fix, and keeps what was typed.
    form.get_by_role("button", name="Submit verdict").click()
    alert = reviewer.get_by_role("alert")
    assert "Evidence URL: A YES or NO verdict needs an evidence URL." in alert.inner_text()
    assert form.get_by_label("NO", exact=True).is_checked()
    screenshot(reviewer, "journey-06-review-item-error")
    alert.get_by_role("link", name="Evidence URL").click()
    reviewer.keyboard.type("https://example.org/courier/fares-rise")  # the link focused it
    form.get_by_role("button", name="Submit verdict").click()
    # The verdict is summed up, and recorded only once confirmed (it is never edited after).
    summary = reviewer.locator("#verdict-summary").inner_text()
    assert summary.startswith(f"Question {questions[0].pk}, “{questions[0].title}”, resolves NO")
    assert summary.endswith("with evidence https://example.org/courier/fares-rise.")
    screenshot(reviewer, "journey-06b-review-confirm")
    reviewer.get_by_role("button", name="Record this verdict").click()
    reviewer.wait_for_url("**/review/")
    reviewer.get_by_role("status").get_by_text("is now resolved").wait_for()

    # 4. The second question, straight from the queue.
    item = reviewer.locator("article.review-item", has_text=questions[1].title)
    screenshot(reviewer, "journey-07-review-queue")
    item.get_by_label("YES", exact=True).check()
    item.get_by_label("Evidence URL").fill("https://example.org/courier/first-tram")
    item.get_by_role("button", name="Submit verdict").click()
    reviewer.get_by_role("button", name="Record this verdict").click()
    reviewer.get_by_role("status").get_by_text(questions[1].title).wait_for()
    screenshot(reviewer, "journey-08-review-queue-after")

    # 5. A reader sees the result: leaderboard, expert page with the chart, question page.
    reader = new_page(browser, live_server.url)
    reader.goto("/")
    provisional = reader.locator("#provisional")
    row = provisional.locator("tr", has=reader.get_by_role("link", name=EXPERT))
    resolved_cell = row.locator("td").nth(0).inner_text().splitlines()
    assert resolved_cell[0] == "2"  # resolved, too few to rank
    # Logged as the deadline passed (the journey moves it): hindsight, and shown as such.
    assert resolved_cell[1] == "100% hindsight"
    screenshot(reader, "journey-09-leaderboard")
    row.get_by_role("link", name=EXPERT).click()
    reader.get_by_role("heading", name=EXPERT, level=1).wait_for()
    assert reader.locator("figure.chart--calibration svg[role=img]").count() == 1
    resolved = reader.locator("#resolved-caption").locator("xpath=..")
    assert resolved.locator("tbody tr").count() == 2
    briers = [
        row.locator("td.num").first.inner_text() for row in resolved.locator("tbody tr").all()
    ]
    assert sorted(briers) == ["0.000", "0.062"], briers  # 2% on a NO, 75% on a YES
    screenshot(reader, "journey-10-expert")
    reader.get_by_role("link", name=questions[0].title).click()
    reader.get_by_role("heading", name=questions[0].title, level=1).wait_for()
    verdict = reader.locator(".verdict")
    assert "It resolved NO" in verdict.inner_text()
    evidence = reader.get_by_role("link", name="https://example.org/courier/fares-rise")
    assert evidence.count() == 1
    assert "Brier" in reader.locator(".prediction__score").inner_text()
    screenshot(reader, "journey-11-question")

    for page in (editor, reviewer, reader):
        assert page.script_errors == []
    assert time.monotonic() - started < 60
