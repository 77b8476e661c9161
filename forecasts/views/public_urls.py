"""The public pages, mounted at the site root."""

from django.urls import path

from forecasts.views import public

urlpatterns = [
    path("", public.leaderboard, name="leaderboard"),
    path("favicon.ico", public.favicon, name="favicon"),
    path("experts/<slug:slug>/", public.expert_detail, name="expert-detail"),
    path("questions/<int:question_id>/", public.question_detail, name="question-detail"),
]
