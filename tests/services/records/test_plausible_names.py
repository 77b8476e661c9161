"""Names and titles with no letter in any script are refused, and so are the bidirectional
controls that reorder how text is shown (U+202A-U+202E, U+2066-U+2069): expert names,
question titles, source titles and topic names, in services, the API, the admin, the
extraction assistant and the CSV importer."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from forecasts import services
from forecasts.extraction.drafts import ConfirmedCandidate, confirm_candidates
from forecasts.models import Expert, Prediction, Source, Topic
from forecasts.services.records.plausibility import BIDI_CONTROLS, name_problem
from tests.builders import row, run_import, write_csv

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Abc\u202edef" shows as "Abcfed"


@pytest.mark.parametrize(
    "name", ["Nadia Varga", "Ruben Megrabyan", "毛泽东", "Ωmega Fund", "50 Cent", "G7", "Ñ"]
)
def test_a_name_with_a_letter_in_any_script_is_accepted(name):
    assert name_problem(name, what="A name") is None


@pytest.mark.parametrize("name", ["???", "2024", "--- ...", "\u200b", "🙂🙂", "4 > 3"])
def test_a_name_with_no_letter_is_refused_saying_so(name):
    assert (
        name_problem(name, what="A name") == f"A name needs at least one letter: {name!r} has none."
    )


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_every_bidirectional_control_is_refused_by_its_code_point(control):
    problem = name_problem(f"Nadia{control} Varga", what="A name")
    assert f"U+{ord(control):04X}" in problem
    assert "changes the order text is shown in" in problem


def test_the_controls_are_exactly_those_of_the_two_ranges():
    assert {f"{ord(c):04X}" for c in BIDI_CONTROLS} == {
        "202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069",
    }  # fmt: skip


def test_services_refuse_each_kind_of_name(db, expert, question):
    cases = [
        (lambda: services.create_expert(name="???"), "name"),
        (lambda: services.edit_expert(expert, changed_by=None, name=f"Vera{RLO}Ostrova"), "name"),
        (lambda: services.get_or_create_topic(name="2024"), "topic"),
        (lambda: services.get_or_create_source(title="...", outlet="Daily"), "title"),
        (lambda: services.create_question(title="??", resolution_criteria="Yes if.",
                                          deadline=question.deadline), "title"),
    ]  # fmt: skip
    for call, field in cases:
        with pytest.raises(ValidationError) as caught:
            call()
        assert field in caught.value.message_dict
    expert.refresh_from_db()
    assert expert.name == "Vera Ostrova"
    assert not Topic.objects.exists()
    assert not Source.objects.exists()


def test_the_api_answers_400_with_the_field_and_the_reason(carol, expert):
    client = APIClient()
    client.force_authenticate(carol)
    response = client.post("/api/experts/", {"name": f"Abc{RLO}def"}, format="json")
    assert response.status_code == 400
    assert "U+202E" in response.json()["errors"]["name"][0]
    response = client.patch(f"/api/experts/{expert.slug}/", {"name": "!!!"}, format="json")
    assert response.status_code == 400
    assert "needs at least one letter" in response.json()["errors"]["name"][0]
    response = client.post("/api/topics/", {"name": "1984"}, format="json")
    assert response.status_code == 400
    response = client.post("/api/sources/", {"title": "\u2066\u2069"}, format="json")
    assert response.status_code == 400
    assert "U+2066" in response.json()["detail"]
    assert list(Expert.objects.values_list("name", flat=True)) == ["Vera Ostrova"]


@pytest.mark.parametrize(
    ("url", "form", "field"),
    [
        ("/admin/forecasts/expert/add/", {"name": "???", "links": "[]"}, "name"),
        ("/admin/forecasts/source/add/", {"kind": "article", "title": "—"}, "title"),
        ("/admin/forecasts/topic/add/", {"name": f"{RLO}Energy", "slug": "energy"}, "name"),
    ],
)
def test_the_admin_shows_the_refusal_on_the_field(carol, url, form, field):
    client = Client()
    client.force_login(carol)
    response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]


def test_an_admin_edit_of_an_experts_name_is_refused_on_the_form_not_with_a_500(carol, expert):
    client = Client()
    client.force_login(carol)
    url = f"/admin/forecasts/expert/{expert.pk}/change/"
    form = {"name": f"Vera{RLO} Ostrova", "affiliation": "", "bio": "", "links": "[]", "reason": ""}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "U+202E" in " ".join(response.context["adminform"].form.errors["name"])


def test_the_extraction_assistant_refuses_a_speaker_without_letters(db, today):
    source = services.get_or_create_source(title="Harbour news", url="https://example.org/h")
    candidate = ConfirmedCandidate(
        speaker="\u200b",
        question_title="Will the new pier open by the end of 2027?",
        resolution_criteria="YES if the pier opens to the public.",
        deadline=today.replace(year=today.year + 1),
        probability="will probably",
        quote="The new pier will open by the end of 2027.",
    )
    with pytest.raises(ValidationError, match="Candidate 1 .*at least one letter"):
        confirm_candidates(source=source, rows=[candidate], made_on=today)
    assert not Prediction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_csv_importer_makes_each_bad_name_its_rows_error(tmp_path):
    rows = [
        row(expert="Ada Good"),
        row(expert="22"),
        row(expert="Bo Title", question="???"),
        row(expert="Cy Topic", topic=f"Energy;{RLO}Oil"),
        row(expert="Di Source", source_title="…", source_url="https://example.org/d"),
        row(expert=f"Ed{RLO}"),
        row(expert="Flo Good", topic="Energy"),
    ]
    output = run_import(write_csv(tmp_path / "in.csv", rows))
    assert "row 3: expert: An expert's name needs at least one letter: '22' has none." in output
    assert "row 4: question: A question's title needs at least one letter" in output
    assert "row 5: topic: A topic's name contains the invisible character U+202E" in output
    assert "row 6: source_title: A title needs at least one letter" in output
    assert "row 7: expert: An expert's name contains the invisible character U+202E" in output
    names = sorted(Prediction.objects.values_list("expert__name", flat=True))
    assert names == ["Ada Good", "Flo Good"]
