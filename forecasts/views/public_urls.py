"""The public pages, mounted at the site root."""

from django.urls import path

from forecasts.views import check, experts, public

urlpatterns = [
    path("", public.leaderboard, name="leaderboard"),
    path("favicon.ico", public.favicon, name="favicon"),
    path("experts/", experts.expert_list, name="expert-list"),
    path("experts/<slug:slug>/", public.expert_detail, name="expert-detail"),
    path("questions/<int:question_id>/", public.question_detail, name="question-detail"),
    path("check/", check.check_our_numbers, name="check-our-numbers"),
    path("check/verify_audit.py", check.verifier_download, name="audit-verifier"),
]
