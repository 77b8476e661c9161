import shutil
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from forecasts.services.audit.publish import (
    AuditDumpNotReady,
    build_dump_file,
    publish_audit_dump,
)


class Command(BaseCommand):
    help = (
        "Write the public audit dump (gzip JSON Lines, docs/audit.md) to FILE; with --publish, "
        "build it into storage as the dump /api/audit/dump/ serves (what beat does nightly)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="Where to write the dump.")
        parser.add_argument("--publish", action="store_true", help="Publish it as the served dump.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"] and not options["publish"]:
            raise CommandError("Give a FILE to write the dump to, or --publish (or both).")
        try:
            if options["publish"]:
                self._publish(options["file"])
            else:
                self._write(Path(options["file"]))
        except AuditDumpNotReady as error:
            raise CommandError(f"Not built: {error}.") from error

    def _write(self, target: Path) -> None:
        if target.parent and not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory.")
        built = build_dump_file(directory=target.parent)
        built.path.replace(target)
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit dump written to {target}: {built.size:,} bytes, head #{built.head_seq} "
                f"{built.head_hash}, sha256 {built.sha256}, {built.seconds:.1f} s."
            )
        )

    def _publish(self, target: str | None) -> None:
        dump = publish_audit_dump()
        if target:
            with default_storage.open(dump.path) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit dump published: {dump.path}, {dump.size:,} bytes, head #{dump.head_seq} "
                f"{dump.head_hash}, sha256 {dump.sha256}."
            )
        )
