"""Who may do what through the API: the roles of docs/design.md, read from Django permissions.

Editors (group "Editors") hold add/change permissions on the record; reviewers (group
"Reviewers") may give verdicts (services.reviews.is_reviewer); superusers do everything.
Reading is open to everyone.
"""

from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from forecasts.services.reviews.verdicts import is_reviewer


class EditorOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model's add (POST) or change (PUT/PATCH) permission."""

    message = "Only editors can change the record: ask an admin to add you to the Editors group."


class CanCorrectPredictions(permissions.BasePermission):
    message = "Only editors can correct a prediction: ask an admin for the Editors group."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.has_perm("forecasts.change_prediction"))


class IsReviewer(permissions.BasePermission):
    message = "Only reviewers can give a verdict: ask an admin for the Reviewers group."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_reviewer(request.user)


class MethodCheckedFirst:
    """A method an endpoint lacks is a 405 for everyone, before any role is checked.

    Without this, DRF checks permissions first, and an editor trying DELETE on an expert
    would hear "only editors can change the record".
    """

    def check_permissions(self, request: Request) -> None:
        if not hasattr(self, request.method.lower()):
            self.http_method_not_allowed(request)  # raises MethodNotAllowed
        super().check_permissions(request)  # type: ignore[misc]
