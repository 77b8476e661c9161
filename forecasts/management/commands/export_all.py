from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from forecasts.services.transfer.backup import export_all

WITHOUT_SECRETS = (
    "Left out: API tokens and password hashes (--include-secrets keeps them). A database "
    "restored from this file has every user, but nobody can log in until a password is set "
    "(manage.py changepassword USER: an admin first, who can then set the others' in the "
    "admin), and API clients need new tokens (/api/auth/token/ or drf_create_token)."
)


class Command(BaseCommand):
    help = (
        "Write the whole record (users, groups, every forecasts table) to a JSON file, "
        "readable by its owner only (0600). API tokens and password hashes are left out "
        "unless --include-secrets is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--include-secrets",
            action="store_true",
            help="Also write API tokens and password hashes, so that logins and API clients "
            "keep working after a restore. Keep such a file as you would the database.",
        )

    def handle(self, *args: object, file: Path, include_secrets: bool, **options: object) -> None:
        count = export_all(file, include_secrets=include_secrets)
        size = file.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(f"Exported {count} objects to {file} ({size} bytes, mode 0600).")
        )
        if include_secrets:
            self.stdout.write("It holds API tokens and password hashes: keep it private.")
        else:
            self.stdout.write(WITHOUT_SECRETS)
