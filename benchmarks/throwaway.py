"""The throwaway database the benchmark scripts run in (never the configured one): a test database, on
SQLite a file in the benchmark's temporary folder, destroyed afterwards."""

import tempfile
from pathlib import Path

from django.db import connection


def run_in_throwaway_database(prefix: str, run, args) -> None:
    """run(args, workdir) in a fresh test database; workdir is a new temporary folder."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args, workdir)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
