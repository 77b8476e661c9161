"""Included by the lead under /api/ (before the API's catch-all 404)."""

from django.urls import path

from forecasts.extraction.api import ConfirmDraftsView, ExtractView, SourceExtractView

urlpatterns = [
    path("extract/", ExtractView.as_view(), name="extract"),
    path("sources/<int:pk>/extract/", SourceExtractView.as_view(), name="source-extract"),
    path(
        "sources/<int:pk>/extract/confirm/",
        ConfirmDraftsView.as_view(),
        name="source-extract-confirm",
    ),
]
