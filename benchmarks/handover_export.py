"""Benchmark the hand-over export and its verification (issue 16 target: 100,000 children in ≤ 15 minutes and
≤ 1 GiB of memory).

    .venv/bin/python benchmarks/handover_export.py --children 2000               # SQLite, in a temporary file
    .venv/bin/python benchmarks/handover_export.py --children 100000             # the target size
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tonghu_bench .venv/bin/python benchmarks/handover_export.py
    .venv/bin/python benchmarks/handover_export.py --children 2000 --pdfs 50     # time the PDFs on a sample

It builds a throwaway test database (the configured one is never touched), fills it with `generate_dataset`'s
synthetic children (two parents each, category tags, history rows), runs `export_handover --no-pdfs` and
`verify_handover` against the database, and reports the time and the peak resident memory of the process
(ru_maxrss). With --pdfs N it also renders N children's PDFs and extrapolates to all children. It prints figures;
it is not a test and asserts nothing. Record the figures in docs/benchmarks.md.
"""

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from benchmarks.throwaway import run_in_throwaway_database  # noqa: E402

TARGET_SECONDS = 15 * 60
TARGET_MEMORY_MB = 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--pdfs", type=int, default=0, help="render this many children's PDFs to time them")
    args = parser.parse_args()
    run_in_throwaway_database("tonghu-handover-bench-", run, args)


def run(args, workdir: Path):
    from django.conf import settings

    from children.management.commands.generate_dataset import create, synthetic_rows
    from children.models import Child
    from handover.export import export
    from handover.verify import verify

    settings.PROTECTED_MEDIA_ROOT = str(workdir / "protected")
    print(f"database: {connection.vendor}; python {platform.python_version()}; {platform.machine()}, "
          f"{os.cpu_count()} CPUs", flush=True)
    start = time.perf_counter()
    create(synthetic_rows(args.children, seed=3))
    print(f"generate {Child.objects.count():,} children (not a target): {time.perf_counter() - start:.1f} s; "
          f"peak memory so far {peak_mb():.0f} MB", flush=True)

    start = time.perf_counter()
    manifest = export(workdir / "handover", pdfs=False)
    seconds = time.perf_counter() - start
    rows = sum(entry["count"] for entry in manifest["tables"].values())
    size = sum(p.stat().st_size for p in (workdir / "handover").rglob("*") if p.is_file())
    verdict = "within target" if seconds <= TARGET_SECONDS * args.children / 100_000 else "OVER (scaled) TARGET"
    print(f"export --no-pdfs: {len(manifest['tables'])} tables, {rows:,} rows, {size / 2**20:.1f} MB "
          f"in {seconds:.1f} s ({verdict}); peak memory {peak_mb():.0f} MB (target ≤ {TARGET_MEMORY_MB})", flush=True)

    start = time.perf_counter()
    result = verify(workdir / "handover")
    print(f"verify against the database: {'OK' if result.ok else result.problems[:3]} in "
          f"{time.perf_counter() - start:.1f} s; peak memory {peak_mb():.0f} MB", flush=True)

    if args.pdfs:
        from children.pdf import render_child_pdf
        from children.services import PROFILE_PREFETCH, PROFILE_SELECT
        from handover.export import _pdf_reader

        reader = _pdf_reader(None)
        children = Child.objects.select_related(*PROFILE_SELECT).prefetch_related(*PROFILE_PREFETCH)[:args.pdfs]
        start = time.perf_counter()
        for child in children:
            render_child_pdf(child, reader)
        each = (time.perf_counter() - start) / max(1, args.pdfs)
        print(f"child PDFs: {each:.2f} s each → {each * args.children / 3600:.1f} h for {args.children:,} children "
              f"(one process)", flush=True)


if __name__ == "__main__":
    main()
