from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from forecasts.services.backup import export_all


class Command(BaseCommand):
    help = "Write the whole record (users, groups, tokens, every forecasts table) to a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, file: Path, **options: object) -> None:
        export_all(file)
        self.stdout.write(self.style.SUCCESS(f"Exported to {file} ({file.stat().st_size} bytes)."))
