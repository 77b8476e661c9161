"""An expert's slug (the page's address) reads as the name: transliterated from Cyrillic as
search keys are, never a bare "item" or a number (those were "item", "item-2" and "2")."""

import pytest

from forecasts.models import Expert
from forecasts.services import create_expert
from forecasts.services.imports.matching import allocate_slugs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ana-Li", "ana-li"),
        ("Aná Lí", "ana-li"),
        ("Рубен Меграбян", "ruben-megrabyan"),
        ("Зед Тестер2", "zed-tester2"),
        ("张伟", "expert"),
    ],
)
def test_a_new_experts_slug_reads_as_the_name(name, slug):
    assert create_expert(name=name).slug == slug


def test_the_import_allocates_the_same_slugs_and_keeps_them_unique():
    create_expert(name="Рубен Меграбян")
    assert allocate_slugs(Expert, ["Рубен Меграбян", "Ruben Megrabyan", "张伟", "王芳"]) == [
        "ruben-megrabyan-2",
        "ruben-megrabyan-3",
        "expert",
        "expert-2",
    ]
