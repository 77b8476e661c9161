"""`python -m benchmarks` (`make bench`): the performance suite on PostgreSQL; prints one
table and writes docs/benchmarks.md.

The suite drops and creates its own databases (forecast_ledger_bench and
forecast_ledger_bench_sweep; BENCH_DATABASE_PREFIX renames them) on the server
BENCH_DATABASE_URL names (any database on it). Each measurement runs in a fresh process,
`python -m benchmarks --stage NAME`, with Django set up against the database under test.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTES = HERE / "NOTES.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    parser.add_argument("--only", default="", help="Comma-separated rows, e.g. a,b,c.")
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="Markdown report (default docs/benchmarks.md; '-' for none).",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: one measurement
    return parser.parse_args(argv)


def setup_django() -> None:
    """The suite and its stages use the project's models and settings (DATABASE_URL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def run_stage(name: str) -> None:
    """One measurement in this process, against DATABASE_URL; prints its figures as JSON."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Benchmark stages run on PostgreSQL only: set DATABASE_URL=postgres://...")
    from benchmarks.stages import STAGES

    print(json.dumps(STAGES[name]()))


def run_all(args: argparse.Namespace) -> None:
    base_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not base_url.startswith(("postgres://", "postgresql://")):
        sys.exit("BENCH_DATABASE_URL must be a postgres:// URL.")
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "")
    if prefix and not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", prefix):
        sys.exit("BENCH_DATABASE_PREFIX must be lowercase letters, digits and _ (at most 41).")
    from benchmarks.report import render_markdown, table
    from benchmarks.suite import run_suite

    only = {r.strip() for r in args.only.split(",") if r.strip()} or None
    run = run_suite(
        base_url=base_url,
        scale_name=args.scale,
        say=lambda text: print(text, file=sys.stderr),
        only=only,
        **({"db_prefix": prefix} if prefix else {}),
    )
    print(table(run.rows))
    if str(args.output) != "-":
        notes = NOTES.read_text(encoding="utf-8") if NOTES.exists() else ""
        args.output.write_text(render_markdown(run, run.details["machine"], notes), "utf-8")
        print(f"Wrote {args.output}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    setup_django()
    if args.stage:
        run_stage(args.stage)
    else:
        run_all(args)


if __name__ == "__main__":
    main()
