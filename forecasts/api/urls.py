"""Mounted at /api/ by config/urls.py. Anything else under /api/ answers a JSON 404, and so do
the views here that are not DRF's (an unknown expert's feed)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from forecasts import feeds
from forecasts.api import views
from forecasts.api.account import OwnTokenView
from forecasts.api.audit import AuditDumpView
from forecasts.api.docs import api_docs
from forecasts.api.errors import json_404, not_found
from forecasts.api.export import PredictionExportView
from forecasts.api.scores import LeaderboardView, TrackRecordViewSet

router = DefaultRouter()
router.register("experts", views.ExpertViewSet, basename="expert")
router.register("sources", views.SourceViewSet, basename="source")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("predictions", views.PredictionViewSet, basename="prediction")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("track-records", TrackRecordViewSet, basename="track-record")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    path("auth/token/", OwnTokenView.as_view(), name="own-token"),
    path("leaderboard/", LeaderboardView.as_view(), name="leaderboard"),
    path("audit/dump/", AuditDumpView.as_view(), name="audit-dump"),
    path("predictions.csv", PredictionExportView.as_view(), name="predictions-csv"),
    # ?topic=<slug> narrows them; an unknown topic is a JSON 404, as an unknown expert is
    path("feeds/predictions/", json_404(feeds.LatestPredictionsFeed()), name="feed-predictions"),
    path("feeds/resolutions/", json_404(feeds.LatestResolutionsFeed()), name="feed-resolutions"),
    path("feeds/experts/<slug:slug>/", json_404(feeds.ExpertPredictionsFeed()), name="feed-expert"),
    path("", include("forecasts.extraction.urls")),
    path("", include(router.urls)),
    re_path(r"^[\s\S]*$", not_found),  # [\s\S]: a path with a newline (%0A) too
]
