"""The editor's day (issue 17), in a real browser: from the admin home to "Extract
predictions", an article with three forecasts by named people, one of which repeats an open
question in other words; that one is attached to the open question and all three are recorded
with one click. Then an admin merges the expert the ledger already had under a look-alike
spelling, and the public pages follow: the old page redirects, the survivor's page shows every
prediction and the other spelling. Each screen leaves a screenshot in var/screenshots/."""

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from django.utils import timezone

from forecasts import services
from forecasts.models import Expert, ExpertMerge, Prediction, Question
from tests.browser_support import launch_browser, log_in, new_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ANALYST = "Tomasz Wieczorek-Lindqvist"  # as the article prints him
LOOK_ALIKE = "Tomas Wieczorek-Lindkvist"  # as the ledger already had him
REASON = "Same maritime analyst: an older article misspelt his name (checked with his office)."


def article(year: int) -> str:
    """Three forecasts by three named people, and two facts that are no forecast."""
    return (
        "Harbour city braces for a busy year\n"
        "The port authority presented its annual plan to the city council on Monday evening.\n"
        f"“The new container terminal will probably open to ships before the end of {year},” "
        f"said maritime analyst {ANALYST}.\n"
        "The terminal has cost more than planned, and two cranes arrived late from the yard.\n"
        f"“The fares on the island ferries will almost certainly not rise before July {year},” "
        "said transport economist Amara Okonkwo-Reyes.\n"
        f"“The harbour bridge toll is likely to be abolished by the end of {year},” said Birgit "
        "Sandoval, who chairs the council's transport committee.\n"
    )


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    """Closed before the live server stops, so no request of its is left open."""
    yield from launch_browser(monkeypatch)


@pytest.fixture
def ledger(alice) -> dict:  # noqa: ANN001
    """What was recorded before today: the terminal question (another analyst's call on it)
    and, under a look-alike spelling, a call of the article's analyst on another question."""
    year = timezone.localdate().year + 1
    months_ago = timezone.localdate() - dt.timedelta(days=90)
    terminal = services.create_question(
        title=f"Will the container terminal on the new quay start handling ships by "
        f"31 December {year}?",
        resolution_criteria="YES if a container ship is loaded or unloaded there by the "
        "deadline, per the port authority's notices; NO otherwise.",
        deadline=dt.date(year, 12, 31),
    )
    chief = services.create_question(
        title=f"Will the port authority's chief executive leave office before 1 July {year}?",
        resolution_criteria="YES if the authority announces a departure; NO otherwise.",
        deadline=dt.date(year, 6, 30),
    )
    for name, question, probability in (
        ("Ines Carvalho", terminal, "40%"),
        (LOOK_ALIKE, chief, "60%"),
    ):
        services.record_prediction(
            expert=services.create_expert(name=name),
            question=question,
            probability=probability,
            made_on=months_ago,
            recorded_by=alice,
        )
    return {"terminal": terminal, "chief": chief, "year": year}


def test_the_editors_day(browser, live_server, ledger, carol):  # noqa: ANN001
    started = time.monotonic()
    terminal, year = ledger["terminal"], ledger["year"]

    # 1. The editor starts at the admin home and follows "Extract predictions".
    editor = new_page(browser, live_server.url)
    log_in(editor, "alice", "pw-alice")
    screenshot(editor, "editor-day-01-admin-home")
    editor.get_by_role("link", name="Extract predictions").first.click()
    editor.get_by_label("Paste the text").fill(article(year))
    editor.get_by_label("Outlet").fill("The Harbour Gazette")
    editor.get_by_label("Published on").fill(timezone.localdate().isoformat())
    screenshot(editor, "editor-day-02-article")
    editor.get_by_role("button", name="Read the article").click()

    # 2. Three candidates; the analyst's repeats the terminal question, which is offered.
    rows = editor.locator("table.ledger-candidates tbody tr")
    assert rows.count() == 3
    speakers = [rows.nth(i).get_by_label("Expert").input_value() for i in range(3)]
    assert speakers == [ANALYST, "Amara Okonkwo-Reyes", "Birgit Sandoval"]
    offered = [rows.nth(i).locator("fieldset.ledger-similar").count() for i in range(3)]
    assert offered == [1, 0, 0]
    rows.nth(0).get_by_label(terminal.title).check()
    for index in range(3):
        rows.nth(index).get_by_label("Confirm").check()
    screenshot(editor, "editor-day-03-candidates")
    editor.get_by_role("button", name="Record the ticked predictions").click()  # one pass
    editor.get_by_text("Recorded 3 predictions from this source.").wait_for()
    screenshot(editor, "editor-day-04-recorded")

    analyst = Expert.objects.get(name=ANALYST)
    recorded = Prediction.objects.current().filter(source__outlet="The Harbour Gazette")
    by_speaker = {p.expert.name: p.question for p in recorded.select_related("expert", "question")}
    assert by_speaker[ANALYST] == terminal
    new_questions = {by_speaker["Amara Okonkwo-Reyes"], by_speaker["Birgit Sandoval"]}
    assert terminal not in new_questions
    assert Question.objects.count() == 4  # the two recorded before, and two new ones

    # 3. The terminal question's public page shows the new call beside the earlier one.
    reader = new_page(browser, live_server.url)
    reader.goto(f"/questions/{terminal.pk}/")
    calls = reader.locator(".prediction__expert")
    assert sorted(calls.all_inner_texts()) == ["Ines Carvalho", ANALYST]
    screenshot(reader, "editor-day-05-question")

    # 4. An admin merges the look-alike spelling into the article's, with a reason.
    admin = new_page(browser, live_server.url)
    log_in(admin, "carol", "pw-carol", next_path="/admin/forecasts/expert/")
    look_alike = Expert.objects.get(name=LOOK_ALIKE)
    for expert in (analyst, look_alike):
        admin.locator(f"input[name=_selected_action][value='{expert.pk}']").check()
    admin.locator("select[name=action]").select_option("merge_selected_experts")
    admin.get_by_role("button", name="Go").click()
    admin.get_by_label(ANALYST).check()  # "Tomasz … (2 predictions, /experts/…/)"
    admin.get_by_label("Reason").fill(REASON)
    screenshot(admin, "editor-day-06-merge")
    admin.get_by_role("button", name="Merge").click()
    admin.get_by_text(f"Merged {LOOK_ALIKE} into {ANALYST}.").wait_for()
    screenshot(admin, "editor-day-07-merged")
    assert ExpertMerge.objects.get().reason == REASON

    # 5. The look-alike's old page redirects to the survivor's, which shows everything.
    answer = reader.goto(f"/experts/{look_alike.slug}/")
    assert answer.request.redirected_from.response().status == 301
    assert reader.url == f"{live_server.url}/experts/{analyst.slug}/"
    reader.get_by_role("heading", name=ANALYST, level=1).wait_for()
    assert f"Also written as “{LOOK_ALIKE}”." in reader.locator(".also-written").inner_text()
    merge_note = reader.locator(".merges").inner_text()
    assert f"{LOOK_ALIKE}'s record was merged into this one" in merge_note
    assert REASON in merge_note
    pending = reader.locator("#pending-caption").locator("xpath=..")
    titles = pending.locator("tbody th a").all_inner_texts()
    assert sorted(titles) == sorted([terminal.title, ledger["chief"].title])
    screenshot(reader, "editor-day-08-survivor")

    for page in (editor, reader, admin):
        assert page.script_errors == []
    assert time.monotonic() - started < 15
