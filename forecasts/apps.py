from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ForecastsConfig(AppConfig):
    name = "forecasts"
    verbose_name = "Forecast Ledger"

    def ready(self) -> None:
        # After auth's own post_migrate handler, which makes this app's permissions.
        post_migrate.connect(_ensure_roles, sender=self)


def _ensure_roles(**kwargs: object) -> None:
    from forecasts.services.roles import ensure_roles  # models are ready only now

    ensure_roles()
