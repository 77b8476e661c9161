"""A user's own API token: see it (made on first request) or rotate it."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasts.api.permissions import MethodCheckedFirst
from forecasts.api.schema import LedgerAutoSchema


class TokenSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Send as `Authorization: Token <key>`.")
    created = serializers.DateTimeField()
    username = serializers.CharField()


class OwnTokenView(MethodCheckedFirst, APIView):
    schema = LedgerAutoSchema()
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenSerializer, operation_id="auth_token_show")
    def get(self, request: Request) -> Response:
        """Your API token; one is made if you have none yet."""
        token, _ = Token.objects.get_or_create(user=request.user)
        return Response(self._data(token))

    @extend_schema(request=None, responses={201: TokenSerializer}, operation_id="auth_token_rotate")
    def post(self, request: Request) -> Response:
        """Replace your token with a new one; the old key stops working at once."""
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
        return Response(self._data(token), status=status.HTTP_201_CREATED)

    @staticmethod
    def _data(token: Token) -> dict:
        return {"key": token.key, "created": token.created, "username": token.user.get_username()}
