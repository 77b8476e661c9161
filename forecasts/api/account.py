"""A user's own API token: see it (made on first request) or rotate it."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasts.api import examples as ex
from forecasts.api.permissions import MethodCheckedFirst
from forecasts.api.schema import LedgerAutoSchema


class TokenSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Send as `Authorization: Token <key>`.")
    created = serializers.DateTimeField()
    username = serializers.CharField()


TOKEN = {
    "key": "9f2c4e1ab37d8c60e5f14a2b7d93c0e8a61f5b24",
    "created": "2026-03-02T09:00:00Z",
    "username": "vera.editor",
}


class OwnTokenView(MethodCheckedFirst, APIView):
    schema = LedgerAutoSchema()
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=TokenSerializer,
        operation_id="auth_token_show",
        description="Your API token; one is made if you have none yet. Any logged-in user may "
        "call it (with a session or a token); a 401 means you are not logged in.",
        examples=[
            ex.response("Your token", TOKEN),
            ex.error("401", "Not logged in", ex.NOT_AUTHENTICATED),
        ],
    )
    def get(self, request: Request) -> Response:
        """Your API token; one is made if you have none yet."""
        token, _ = Token.objects.get_or_create(user=request.user)
        return Response(self._data(token))

    @extend_schema(
        request=None,
        responses={201: TokenSerializer},
        operation_id="auth_token_rotate",
        description="Replaces your token with a new one; the old key stops working at once. "
        "No body. Any logged-in user may call it; a 401 means you are not logged in.",
        examples=[
            ex.response(
                "A new token",
                {**TOKEN, "key": "0b7e3d5f29a4c18e6d20f9b3a5c7e14d8f6a2b90"},
                code="201",
            ),
            ex.error("401", "Not logged in", ex.NOT_AUTHENTICATED),
        ],
    )
    def post(self, request: Request) -> Response:
        """Replace your token with a new one; the old key stops working at once."""
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
        return Response(self._data(token), status=status.HTTP_201_CREATED)

    @staticmethod
    def _data(token: Token) -> dict:
        return {"key": token.key, "created": token.created, "username": token.user.get_username()}
