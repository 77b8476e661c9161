"""Run on a host after configuring it: what its worker consumes, where every task goes, whether
beat runs here, and whether the site, SMTP, the broker and the database answer."""

from django.core.management.base import BaseCommand, CommandError

import forecasts.tasks  # noqa: F401 - registers the tasks whose routes are reported
from config.celery import app
from config.deploy_check import FAIL, WARN, run_checks


class Command(BaseCommand):
    help = "Check this host's deployment settings and reach every service they name."

    def handle(self, *args: object, **options: object) -> None:
        findings = run_checks(app)
        style = {FAIL: self.style.ERROR, WARN: self.style.WARNING}
        for finding in findings:
            paint = style.get(finding.status, self.style.SUCCESS)
            self.stdout.write(f"{paint(f'{finding.status:>4}')}  {finding.topic}: {finding.detail}")
        failed = [f.topic for f in findings if f.status == FAIL]
        if failed:
            raise CommandError(f"{len(failed)} check(s) failed: {', '.join(failed)}")
