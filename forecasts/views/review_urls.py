"""The review queue, mounted at /review/."""

from django.urls import path

from forecasts.views import review

app_name = "review"

urlpatterns = [
    path("", review.queue, name="queue"),
    path("questions/<int:pk>/", review.question_review, name="question"),
    path("questions/<int:pk>/take/", review.take, name="take"),
    path("preferences/", review.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", review.unsubscribe, name="unsubscribe"),
    # Last: a token is any string, so it must not shadow the fixed paths above.
    path("<str:token>/", review.open_link, name="open"),
]
