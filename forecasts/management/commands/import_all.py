from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forecasts.services.transfer.backup import NotEmpty, import_all, users_without_password


class Command(BaseCommand):
    help = "Load a JSON backup made by export_all into an empty database and verify the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, file: Path, **options: object) -> None:
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            checked, problem = import_all(file)
        except NotEmpty as exc:
            raise CommandError(str(exc)) from None
        if problem:
            raise CommandError(f"Imported, but the ledger does not verify: {problem}")
        self.stdout.write(
            self.style.SUCCESS(f"Imported {file}; ledger intact ({checked} entries).")
        )
        locked_out = users_without_password()
        if locked_out:
            self.stdout.write(
                self.style.WARNING(
                    f"{locked_out} active users have no password (the backup was made without "
                    "secrets): nobody can log in until one is set. Run manage.py "
                    "changepassword USER for an admin, who can then set the others' in the "
                    "admin. API clients need new tokens (/api/auth/token/ or drf_create_token)."
                )
            )
