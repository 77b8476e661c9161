"""API tokens in the admin: a key is shown by its first characters only, never whole.

DRF's own token admin lists every user's key, and Django writes a row's str() wherever it
names the row: change, history and delete pages, "was added" messages, the recent-actions
log (kept in the database) and the summary of what deleting a user removes. A key is a
password, so Token's str() is its prefix, and the list shows the same. Each user reads
their own key at /api/auth/token/, which uses token.key, not str().
"""

from django.contrib import admin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import Token, TokenProxy

SHOWN_CHARACTERS = 4


def key_prefix(key: str) -> str:
    """Enough of a key to tell two apart in a list ("9a4f…"), too little to use."""
    return f"{key[:SHOWN_CHARACTERS]}…" if key else ""


def _token_label(token: Token) -> str:
    return key_prefix(token.key)


Token.__str__ = _token_label  # TokenProxy, the admin's model, inherits it


class PrefixOnlyTokenAdmin(TokenAdmin):
    list_display = ("key_start", "user", "created")

    @admin.display(description="key")
    def key_start(self, token: Token) -> str:
        return key_prefix(token.key)


admin.site.unregister(TokenProxy)
admin.site.register(TokenProxy, PrefixOnlyTokenAdmin)
