"""Benchmark the ledger import and export (DOMAIN targets: 10,000 rows in ≤ 60 s, 100,000 out in ≤ 60 s).

    .venv/bin/python benchmarks/import_export.py                  # SQLite, in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tonghu .venv/bin/python benchmarks/import_export.py

It builds a throwaway test database (the configured one is never touched), writes a synthetic
10,000-row ledger, imports it the way `import_children` does, fills the registry up to 100,000
children with `generate_dataset`, and exports them all the way `export_children --full` does.
It prints figures; it is not a test and asserts nothing. Record the figures in docs/benchmarks.md.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from benchmarks.throwaway import run_in_throwaway_database  # noqa: E402

TARGET_SECONDS = 60


def timed(label: str, results: list, target: float | None = None):
    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc):
            seconds = time.perf_counter() - self.start
            verdict = "" if target is None else ("  within target" if seconds <= target else "  OVER TARGET")
            results.append((label, seconds, verdict))
            print(f"{label:<52} {seconds:7.1f} s{verdict}", flush=True)

    return Timer()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the imported ledger")
    parser.add_argument("--children", type=int, default=100_000, help="children in the exported registry")
    args = parser.parse_args()

    run_in_throwaway_database("tonghu-bench-", run, args)


def run(args, workdir: Path):
    from children.exporting import write_ledger
    from children.importing import plan_import, save_plan
    from children.management.commands.generate_dataset import create, synthetic_rows, write_xlsx
    from children.models import Child

    print(f"database: {connection.vendor}; python {platform.python_version()}; {platform.machine()}, "
          f"{os.cpu_count()} CPUs", flush=True)
    results: list = []
    ledger = workdir / "ledger.xlsx"
    with timed(f"write a synthetic ledger of {args.rows:,} rows", results):
        write_xlsx(synthetic_rows(args.rows, seed=1), ledger)

    with timed(f"import {args.rows:,} rows (read, check, save)", results, TARGET_SECONDS):
        with timed("  read and check every row", results):
            with open(ledger, "rb") as file:
                plan = plan_import(file)
        assert plan.ok, plan.problems[:5]
        with timed("  save in one transaction, with history", results):
            save_plan(plan, filename=str(ledger))

    more = args.children - Child.objects.count()
    if more > 0:
        taken = {child.id_number for child in Child.objects.only("id_number")}
        with timed(f"generate {more:,} more children (not a target)", results):
            create(synthetic_rows(more, seed=2, taken=taken))
    total = Child.objects.count()

    target = workdir / "export.xlsx"
    with timed(f"export {total:,} children, full details", results, TARGET_SECONDS):
        write_ledger(Child.objects.all(), str(target), full=True, via="benchmark")
    with timed(f"export {total:,} children, masked", results, TARGET_SECONDS):
        write_ledger(Child.objects.all(), str(workdir / "masked.xlsx"), full=False, via="benchmark")
    print(f"export file: {target.stat().st_size / 2**20:.1f} MB", flush=True)


if __name__ == "__main__":
    main()
