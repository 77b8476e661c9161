"""tools/verify_audit.py against the service: on the demo data and on a generated data set its
figures equal the API's to 1e-9 and its chain equals verify_ledger's; a dump edited by hand
fails and the edit is named; the PredictionBook import's dump reproduces numpy's Brier."""

import ast
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from forecasts.models import Expert, LedgerHead, Question
from forecasts.services.audit.publish import build_dump_file
from forecasts.services.ledger.chain import write_head_file
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.reviews.verdicts import resolve_question
from seeds.loader import load_seeds
from tests.audit_support import VERIFIER, first, load_verifier, read_dump, rechain, write_dump
from tests.services.imports.test_predictionbook import (
    numpy_brier_by_user,
    write_predictionbook_files,
)

pytestmark = pytest.mark.django_db
verifier = load_verifier()
RECORD_FIGURES = (
    "resolved_count", "hindsight_share", "brier", "log_score", "brier_skill", "base_rate_skill",
    "hit_rate", "hit_rate_low", "hit_rate_high", "hit_count", "hit_n", "ranking_score",
    "provisional", "peer_mean", "peer_count", "consensus_relative_mean", "consensus_count",
    "yield_score", "calibration", "scoring_version",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _head_file(settings, tmp_path):
    settings.LEDGER_HEAD_FILE = str(tmp_path / "heads.txt")
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _dump(tmp_path) -> object:
    write_head_file()  # a published head, which the verifier must find on the chain
    built = build_dump_file(directory=tmp_path)
    return built.path


def _verified(path, *heads: str) -> dict:
    return verifier.verify(str(path), [verifier.parse_head(h) for h in heads], 1e-9)


def _assert_agrees_with_the_api(result: dict, api_as) -> None:
    client, experts = api_as(), {e.pk: e.slug for e in Expert.objects.all()}
    checked = 0
    for expert_id, slug in experts.items():
        body = client.get(f"/api/experts/{slug}/").json()
        for which, key in (("all", "track_record"), ("prospective", "prospective_track_record")):
            mine = result["records"].get((expert_id, which))
            if mine is None:
                assert body[key]["resolved_count"] == 0, (slug, which)
                continue
            for figure in RECORD_FIGURES:
                assert not verifier.differs(body[key][figure], mine[figure], 1e-9), (
                    slug, which, figure, body[key][figure], mine[figure],
                )  # fmt: skip
            checked += 1
    assert checked >= 2
    for which in ("all", "prospective"):
        published, url = [], f"/api/leaderboard/?record={which}"
        while url:
            page = client.get(url).json()
            published += [(row["rank"], row["expert"]["slug"]) for row in page["results"]]
            url = page["next"]
        ours = [(rank, experts[e]) for rank, e in result["leaderboards"][which]]
        assert published == ours, which


def _assert_chain_equals_verify_ledger(result: dict) -> None:
    checked, problem = verify_ledger()
    assert problem is None
    head = LedgerHead.objects.get()
    assert (result["chain"].length, result["chain"].prev) == (checked, head.hash)
    assert checked == head.seq > 0


def test_on_the_demo_data_the_verifier_reproduces_the_api_and_the_ledger(tmp_path, api_as):
    load_seeds()
    path = _dump(tmp_path)
    head = LedgerHead.objects.get()
    result = _verified(path, f"{head.seq} {head.hash}")
    assert result["problems"] == []
    _assert_agrees_with_the_api(result, api_as)
    _assert_chain_equals_verify_ledger(result)


def test_on_generated_data_the_verifier_reproduces_the_api_and_the_ledger(tmp_path, api_as):
    call_command(
        "generate_demo_data", "--experts", "25", "--questions", "100", "--predictions", "500",
        "--seed", "9", "--anchor", "2026-01-15", "--quiet", stdout=StringIO(),
    )  # fmt: skip
    result = _verified(_dump(tmp_path))
    assert result["problems"] == []
    assert sum(r["resolved_count"] for (_, w), r in result["records"].items() if w == "all") > 50
    _assert_agrees_with_the_api(result, api_as)
    _assert_chain_equals_verify_ledger(result)


def test_evidence_added_to_a_verdict_keeps_every_figure_reproduced(tmp_path, api_as):
    load_seeds()
    question = Question.objects.filter(outcome="yes").order_by("pk").first()
    admin = User.objects.create_superuser("auditor", "auditor@example.org", "pw-auditor")
    resolve_question(
        question=question,
        outcome="yes",
        resolved_by=admin,
        evidence_url="https://web.archive.org/web/2027/https://example.org/evidence",
        reason="The first link died.",
    )
    result = _verified(_dump(tmp_path))
    assert result["problems"] == []
    _assert_agrees_with_the_api(result, api_as)
    _assert_chain_equals_verify_ledger(result)


@pytest.fixture
def demo_dump(tmp_path) -> list[dict]:
    load_seeds()
    return read_dump(_dump(tmp_path))


def _problems_after(tmp_path, lines: list[dict], *heads: str) -> list[str]:
    return _verified(write_dump(tmp_path / "edited.jsonl.gz", lines), *heads)["problems"]


def test_a_flipped_verdict_is_named(tmp_path, demo_dump):
    verdict = first(demo_dump, "verdict", outcome="yes")
    verdict["outcome"] = "no"
    problems = _problems_after(tmp_path, demo_dump)
    assert any(
        p.startswith(f"verdict {verdict['id']}: outcome is 'no' in the dump, 'yes' as chained")
        for p in problems
    ), problems


def test_a_verdict_flipped_in_the_chain_itself_and_rehashed_fails_on_the_figures_and_the_saved_head(
    tmp_path, demo_dump
):
    head = LedgerHead.objects.get()
    settlement = first(demo_dump, "ledger", kind="resolution")
    facts = json.loads(settlement["payload"])
    facts["outcome"] = "no" if facts["outcome"] == "yes" else "yes"
    settlement["payload"] = json.dumps(facts, sort_keys=True, separators=(",", ":"))
    question = first(demo_dump, "question", id=facts["question_id"])
    question["outcome"] = facts["outcome"]
    forged = rechain(demo_dump)
    problems = _problems_after(tmp_path, forged)
    assert problems
    assert all(p.startswith(("expert ", "leaderboard ")) for p in problems), problems
    assert any(": brier published " in p for p in problems)
    with_head = _problems_after(tmp_path, forged, f"{head.seq} {head.hash}")
    assert any(p.startswith(f"your saved head #{head.seq} {head.hash}") for p in with_head)


def test_a_removed_prediction_is_named(tmp_path, demo_dump):
    removed = first(demo_dump, "prediction")
    demo_dump.remove(removed)
    problems = _problems_after(tmp_path, demo_dump)
    assert any(
        p.startswith(f"prediction {removed['id']}: chained (ledger entry #") for p in problems
    ), problems
    entry = first(demo_dump, "ledger", kind="prediction", object_id=removed["id"])
    after = demo_dump[demo_dump.index(entry) + 1]
    demo_dump.remove(entry)
    problems = _problems_after(tmp_path, demo_dump)
    assert any(
        p.startswith(f"ledger entry #{after['seq']} ") and "entries before it were removed" in p
        for p in problems
    ), problems


def test_a_changed_probability_is_named_in_the_row_and_in_the_published_figures(
    tmp_path, demo_dump
):
    prediction = first(demo_dump, "prediction", probability=0.8)
    prediction["probability"] = 0.3
    problems = _problems_after(tmp_path, demo_dump)
    assert f"prediction {prediction['id']}: probability is 0.3 in the dump, 0.8 as chained" in (
        " ".join(problems)
    ), problems
    record = first(demo_dump, "track_record", record="all")
    slug = first(demo_dump, "expert", id=record["expert_id"])["slug"]
    record["brier"] += 0.01
    problems = _problems_after(tmp_path, demo_dump)
    assert any(p.startswith(f"expert {slug} (all record): brier published ") for p in problems)


def test_the_predictionbook_imports_dump_reproduces_numpys_brier_per_user(tmp_path):
    public, titles = write_predictionbook_files(tmp_path)
    call_command(
        "import_predictions", str(public), "--format", "predictionbook", "--questions",
        str(titles), "--quiet", stdout=StringIO(),
    )  # fmt: skip
    result = _verified(_dump(tmp_path))
    assert result["problems"] == []
    names = {e.pk: e.name for e in Expert.objects.all()}
    ours = {
        names[expert]: (record["resolved_count"], record["brier"])
        for (expert, which), record in result["records"].items()
        if which == "all"
    }
    expected = numpy_brier_by_user(public)
    assert set(ours) == set(expected)
    for user, (n, brier) in expected.items():
        assert ours[user][0] == n, user
        assert ours[user][1] == pytest.approx(brier, abs=1e-9), user


def test_the_verifier_runs_alone_and_says_all_figures_reproduced(tmp_path):
    """Isolated mode (-I), outside the repository, with no Django settings in the environment."""
    load_seeds()
    path = _dump(tmp_path)
    run = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(path)],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Leaderboard (all forecasts" in run.stdout
    assert "all figures reproduced" in run.stdout


def test_the_verifier_imports_only_the_standard_library():
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
    outside = {m for m in modules if m.split(".")[0] not in sys.stdlib_module_names}
    assert not outside, outside


def test_a_question_moved_past_its_chained_deadline_is_named(tmp_path, demo_dump):
    question = first(demo_dump, "question", status="resolved")
    chained = question["deadline"]
    question["deadline"] = "2099-12-31"
    problems = _problems_after(tmp_path, demo_dump)
    assert (
        f"question {question['id']}: deadline is '2099-12-31' in the dump, {chained!r} as chained"
        in " ".join(problems)
    ), problems


def test_a_leaderboard_lines_own_figures_are_checked_not_only_its_order(tmp_path, demo_dump):
    # A board is read on its own: a figure changed on it alone, rank and order kept, is named.
    line = first(demo_dump, "leaderboard", record="all", rank=1)
    slug = first(demo_dump, "expert", id=line["expert_id"])["slug"]
    line["brier"] += 0.01
    line["resolved_count"] += 50
    problems = _problems_after(tmp_path, demo_dump)
    assert any(
        p.startswith(f"leaderboard (all) line 1 ({slug}): brier published ") for p in problems
    ), problems
    assert any(f"({slug}): resolved_count published " in p for p in problems), problems


def test_a_provisional_expert_shown_as_ranked_on_the_board_is_named(tmp_path, demo_dump):
    line = first(demo_dump, "leaderboard", record="all", provisional=True)
    line["provisional"] = False
    problems = _problems_after(tmp_path, demo_dump)
    assert any(": provisional published False, recomputed True" in p for p in problems), problems


def test_two_experts_under_one_slug_are_named(tmp_path, demo_dump):
    first_expert, second_expert = [line for line in demo_dump if line["type"] == "expert"][:2]
    second_expert["slug"] = first_expert["slug"]
    problems = _problems_after(tmp_path, demo_dump)
    assert (
        f"expert {second_expert['id']}: slug {first_expert['slug']!r} is also expert "
        f"{first_expert['id']}'s" in problems
    ), problems


def test_a_change_outside_the_chained_keys_names_the_fields_it_may_be_in(tmp_path, demo_dump):
    # QA: the verifier said only "a field differs"; the reader had to guess which.
    prediction = first(demo_dump, "prediction")
    assert "quote" in prediction
    prediction["quote"] = prediction["quote"] + " (edited)"
    problems = _problems_after(tmp_path, demo_dump)
    line = next(p for p in problems if p.startswith(f"prediction {prediction['id']}: "))
    assert "quote" in line
    assert "differs from what was chained" in line
    assert "probability" not in line.split(" differs")[0]  # a key field checked on its own
