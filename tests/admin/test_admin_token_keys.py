"""The admin never shows an API key whole, not even to a superuser: a key is its first four
characters and an ellipsis in the token list, on its change, history and delete pages, in
the messages and recent actions an admin add writes, and in a user's delete summary. Each
user reads their own key at /api/auth/token/."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def admin_client(carol) -> Client:
    client = Client()
    client.force_login(carol)
    return client


@pytest.fixture
def alices_key(alice) -> str:
    return Token.objects.create(user=alice).key


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_token_list_shows_a_prefix_only(admin_client, alice, alices_key):
    page = _page(admin_client, "/admin/authtoken/tokenproxy/")
    assert alices_key not in page
    assert f"{alices_key[:4]}…" in page
    assert "alice" in page


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_a_tokens_own_pages_show_a_prefix_only(admin_client, alice, alices_key, view):
    page = _page(admin_client, f"/admin/authtoken/tokenproxy/{alice.pk}/{view}/")
    assert alices_key not in page
    assert f"{alices_key[:4]}…" in page


def test_deleting_a_user_lists_their_token_by_its_prefix(admin_client, alice, alices_key):
    page = _page(admin_client, f"/admin/auth/user/{alice.pk}/delete/")
    assert alices_key not in page
    assert f"{alices_key[:4]}…" in page


def test_a_token_added_in_the_admin_is_not_shown_to_the_admin(admin_client, bob):
    response = admin_client.post("/admin/authtoken/tokenproxy/add/", {"user": bob.pk}, follow=True)
    assert response.status_code == 200
    key = Token.objects.get(user=bob).key
    assert key not in response.content.decode()  # the "was added" message
    assert key not in _page(admin_client, "/admin/")  # recent actions
    assert f"{key[:4]}…" in _page(admin_client, "/admin/")


def test_a_user_still_reads_their_own_key_in_the_api(alice, alices_key):
    client = APIClient()
    client.force_authenticate(alice)
    assert client.get("/api/auth/token/").json()["key"] == alices_key
