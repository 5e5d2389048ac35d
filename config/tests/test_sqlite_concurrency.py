"""SQLite as the embedded default holds concurrent writes (issue 11, item 7; README "SQLite or PostgreSQL").

20 threads record a visit each at the same moment, through HTTP, against a file database (the test
database is in memory, where WAL and file locks do not apply, so it is copied to a file and the saves run
in a subprocess with DATABASE_URL pointing at the copy). Before WAL + busy timeout + IMMEDIATE
transactions most of them failed with "database is locked"."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from children.tests.factories import ChildFactory

THREADS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="concerns the SQLite default only"),
]


def test_twenty_concurrent_visit_saves_on_a_sqlite_file_all_succeed(worker, tmp_path):
    child = ChildFactory(name="林小雨", social_worker=worker)
    path = tmp_path / "tonghu.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{path}"}
    result = subprocess.run(
        [sys.executable, "-m", "config.tests.concurrent_saves", str(THREADS), worker.username,
         str(child.pk)],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["visits"] == THREADS
    assert outcome["journal_mode"] == "wal"
