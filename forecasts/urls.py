from django.urls import include, path

from forecasts.views import health

urlpatterns = [
    path("health/live", health.health_live, name="health-live"),
    path("health/ready", health.health_ready, name="health-ready"),
    path("review/", include("forecasts.views.review_urls")),
    path("", include("forecasts.views.public_urls")),
]
