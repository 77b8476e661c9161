"""Demo logins for a local run: an editor, two reviewers and an admin, with known passwords.

The default passwords are public (username + "-demo"), so with DEBUG off the command needs a
password of the operator's own in DEMO_PASSWORD that Django's validators accept (a staging
instance), or --force (a throwaway one). Re-running changes nothing: existing accounts keep
their password and only get their role (staff flag, superuser flag, group) put back.
"""

import os
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse


class DemoAccount(NamedTuple):
    username: str
    group: str | None
    superuser: bool


DEMO_ACCOUNTS = (
    DemoAccount("editor", "Editors", superuser=False),
    DemoAccount("reviewer", "Reviewers", superuser=False),
    DemoAccount("reviewer2", "Reviewers", superuser=False),
    DemoAccount("admin", None, superuser=True),
)


def demo_password(username: str) -> str:
    return os.environ.get("DEMO_PASSWORD") or f"{username}-demo"


class Command(BaseCommand):
    help = "Create demo accounts (editor, reviewer, reviewer2, admin) for a local DEBUG run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The passwords are public: never on production.",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            _require_private_password()
        with transaction.atomic():
            rows = [(account, self._ensure(account)) for account in DEMO_ACCOUNTS]
        self._print_table(rows)

    def _ensure(self, account: DemoAccount) -> str:
        """Create or restore one account; returns what to show in the password column."""
        group = _group(account.group)
        password = demo_password(account.username)
        user, created = get_user_model().objects.get_or_create(
            username=account.username,
            defaults={
                "email": f"{account.username}@example.org",
                "is_staff": True,
                "is_superuser": account.superuser,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        else:
            _restore_role(user, account)
        if group and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        if not (created or user.check_password(password)):
            return "(changed; left as is)"
        return password if settings.DEBUG else "(DEMO_PASSWORD)"

    def _print_table(self, rows: list[tuple[DemoAccount, str]]) -> None:
        if settings.DEBUG:
            self.stdout.write("Demo accounts (local use only; the passwords are public):")
        else:
            self.stdout.write("Demo accounts (a staging instance; the password is DEMO_PASSWORD):")
        self.stdout.write(f"  {'username':<11} {'role':<20} password")
        for account, password in rows:
            role = "admin (superuser)" if account.superuser else f"staff, {account.group}"
            self.stdout.write(f"  {account.username:<11} {role:<20} {password}")
        self.stdout.write(f"Log in at {settings.SITE_URL}{reverse('admin:index')}")
        self.stdout.write(f"Public site: {settings.SITE_URL}/")


def _require_private_password() -> None:
    password = os.environ.get("DEMO_PASSWORD")
    if not password:
        raise CommandError(
            "Refusing to create demo accounts: DEBUG is off, and the default demo passwords are "
            "public. Set DEMO_PASSWORD to a password of your own (a staging instance), or use "
            "--force on a throwaway instance; never in production."
        )
    try:
        validate_password(password)
    except ValidationError as exc:
        raise CommandError(f"DEMO_PASSWORD is too weak: {' '.join(exc.messages)}") from None


def _group(name: str | None) -> Group | None:
    if name is None:
        return None
    try:
        return Group.objects.get(name=name)
    except Group.DoesNotExist:
        raise CommandError(f"Group {name!r} is missing: run `manage.py migrate` first.") from None


def _restore_role(user: AbstractUser, account: DemoAccount) -> None:
    wanted = {"is_active": True, "is_staff": True, "is_superuser": account.superuser}
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if changed:
        user.save(update_fields=changed)
