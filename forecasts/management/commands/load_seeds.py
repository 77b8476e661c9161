"""Load the seed data: the seed article's forecasts and the fictional demo record."""

from typing import Any

from django.core.management.base import BaseCommand

from seeds.loader import load_seeds


class Command(BaseCommand):
    help = (
        "Load seeds/data/*.json (the seed article's predictions and fictional demo data). "
        "Safe to re-run: a second run creates nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_seeds()
        if not any(created.values()):
            self.stdout.write("Seed data already loaded; nothing to do.")
            return
        summary = ", ".join(f"{count} {name}" for name, count in created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Seed data loaded: {summary}."))
