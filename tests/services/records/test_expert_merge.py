"""Merging two records of one person (services.records.merges): predictions move as new
versions, the history stays, the ledger records the merge, records are recomputed, and the
old slug redirects on the pages and the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forecasts.models import Expert, ExpertMerge, LedgerEntry, Prediction, TrackRecord
from forecasts.services import create_expert
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.records.merges import merge_experts
from forecasts.services.track_records.rebuild import recompute_track_records
from tests.builders import forecast, make_question, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def look_alikes(carol, bob):
    """Ana Li and Ana-Li, one person, with a resolved forecast each."""
    ana, ana_dash = create_expert(name="Ana Li"), create_expert(name="Ana-Li")
    first, second = make_question("Will the tram open?"), make_question("Will the ferry run?")
    forecast(ana, first, 0.8)
    moved = forecast(ana_dash, second, 0.3)
    resolve(first, "yes", bob)
    resolve(second, "no", bob)
    recompute_track_records()
    return ana, ana_dash, moved


def test_merge_moves_predictions_as_new_versions_and_keeps_the_history(look_alikes, carol):
    ana, ana_dash, moved = look_alikes
    merge = merge_experts(merged=ana_dash, into=ana, reason="Same person", merged_by=carol)
    moved.refresh_from_db()
    new = Prediction.objects.get(supersedes=moved)
    assert (new.expert, new.version, new.probability) == (ana, 2, 0.3)
    assert new.recorded_at == moved.recorded_at
    assert not new.corrected_after_deadline
    assert "Same person" in new.correction_reason
    assert new.recorded_by == carol
    assert moved.expert == ana_dash
    assert moved.superseded_at is not None
    assert merge.prediction_ids == [new.pk]
    ana_dash.refresh_from_db()
    ana.refresh_from_db()
    assert ana_dash.merged_into == ana
    assert ana.aliases == ["Ana-Li"]
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.EXPERT_MERGE)
    assert entry.object_id == merge.pk
    assert '"reason":"Same person"' in entry.payload
    assert verify_ledger() == (LedgerEntry.objects.count(), None)


def test_merge_recomputes_both_records(look_alikes, carol, django_capture_on_commit_callbacks):
    ana, ana_dash, _ = look_alikes
    with django_capture_on_commit_callbacks(execute=True):
        merge_experts(merged=ana_dash, into=ana, reason="Same person", merged_by=carol)
    overall = TrackRecord.objects.get(expert=ana, topic=None, prospective_only=False)
    assert overall.resolved_count == 2
    assert not TrackRecord.objects.filter(expert=ana_dash, resolved_count__gt=0).exists()


def test_a_merge_needs_an_admin_a_reason_and_two_unmerged_experts(look_alikes, alice, carol):
    ana, ana_dash, _ = look_alikes
    with pytest.raises(PermissionDenied):
        merge_experts(merged=ana_dash, into=ana, reason="Same", merged_by=alice)
    with pytest.raises(ValidationError, match="reason"):
        merge_experts(merged=ana_dash, into=ana, reason=" ", merged_by=carol)
    with pytest.raises(ValidationError, match="different"):
        merge_experts(merged=ana, into=ana, reason="Same", merged_by=carol)
    merge_experts(merged=ana_dash, into=ana, reason="Same", merged_by=carol)
    with pytest.raises(ValidationError, match="already merged"):
        merge_experts(merged=ana_dash, into=ana, reason="Again", merged_by=carol)
    assert ExpertMerge.objects.count() == 1


def test_the_old_slug_redirects_and_the_survivor_shows_the_merged_history(
    look_alikes, carol, client, api_as
):
    ana, ana_dash, _ = look_alikes
    merge_experts(merged=ana_dash, into=ana, reason="Same person", merged_by=carol)
    page = client.get(reverse("expert-detail", args=[ana_dash.slug]))
    assert page.status_code == 301
    assert page["Location"] == f"/experts/{ana.slug}/"
    survivor = client.get(page["Location"]).content.decode()
    assert "Will the ferry run?" in survivor
    assert "Will the tram open?" in survivor
    api = api_as().get(f"/api/experts/{ana_dash.slug}/")
    assert api.status_code == 301
    assert api["Location"] == f"http://testserver/api/experts/{ana.slug}/"
    listed = api_as().get("/api/experts/").json()["results"]
    assert [e["slug"] for e in listed] == [ana.slug]
    found = api_as().get("/api/experts/", {"search": "ana-li"}).json()["results"]
    assert [e["slug"] for e in found] == [ana.slug]


def test_admin_merge_action_asks_which_to_keep_and_why(look_alikes, carol, client):
    ana, ana_dash, _ = look_alikes
    client.force_login(carol)
    url = reverse("admin:forecasts_expert_changelist")
    chosen = {"action": "merge_selected_experts", "_selected_action": [ana.pk, ana_dash.pk]}
    asked = client.post(url, chosen)
    assert asked.status_code == 200
    assert b"Keep this expert" in asked.content
    done = client.post(url, {**chosen, "merge": "1", "into": ana.pk, "reason": "Same person"})
    assert done.status_code == 302
    said = [str(m) for m in client.get(done["Location"]).context["messages"]]
    assert said == ["Merged Ana-Li into Ana Li."]
    assert Expert.objects.get(pk=ana_dash.pk).merged_into_id == ana.pk


def test_admin_merge_action_is_for_admins_only(look_alikes, alice, client):
    ana, ana_dash, _ = look_alikes
    client.force_login(alice)
    url = reverse("admin:forecasts_expert_changelist")
    chosen = {"action": "merge_selected_experts", "_selected_action": [ana.pk, ana_dash.pk]}
    # Not offered to an editor (it answered a bare 403 page), and refused if posted anyway:
    # Django answers an action the user lacks as "No action selected".
    listed = client.get(url)
    assert b"merge_selected_experts" not in listed.content
    answer = client.post(url, {**chosen, "merge": "1", "into": ana.pk, "reason": "Same"})
    assert answer.status_code in (200, 302)
    assert not ExpertMerge.objects.exists()


def test_admin_search_and_autocomplete_find_aliases(carol, client):
    create_expert(name="Ruben Megrabyan", aliases=["Mehrabyan"])
    client.force_login(carol)
    listed = client.get(reverse("admin:forecasts_expert_changelist"), {"q": "Меграбян"})
    assert b"Ruben Megrabyan" in listed.content
    found = client.get(
        "/admin/autocomplete/",
        {"term": "mehrabyan", "app_label": "forecasts", "model_name": "prediction",
         "field_name": "expert"},
    )  # fmt: skip
    assert [r["text"] for r in found.json()["results"]] == ["Ruben Megrabyan"]


def test_made_on_is_kept_when_moved(look_alikes, carol):
    ana, ana_dash, moved = look_alikes
    merge_experts(merged=ana_dash, into=ana, reason="Same person", merged_by=carol)
    assert Prediction.objects.get(supersedes=moved).made_on == moved.made_on
    assert moved.made_on == moved.question.deadline - dt.timedelta(days=10)
