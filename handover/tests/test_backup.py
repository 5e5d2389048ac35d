"""scripts/backup.sh and scripts/restore.sh round trip on PostgreSQL: dump the database and the protected
media, encrypt, restore into an empty database, compare every table's row count and one child's record
(issue 16 item 6, R12). Runs where the suite runs on PostgreSQL (CI's PostgreSQL job)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from children.tests.factories import ChildFactory, ParentFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}/{name}"


def _run(script: str, *args, env: dict) -> str:
    completed = subprocess.run([str(ROOT / "scripts" / script), *args], env={**os.environ, **env},
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_backup_restores_into_an_empty_database(worker, tmp_path, protected_media):
    if connection.vendor != "postgresql":
        pytest.skip("backup.sh dumps PostgreSQL (pg_dump -Fc); run the suite with DATABASE_URL=postgres://… "
                    "(CI's PostgreSQL job) for this round trip")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        pytest.skip("pg_dump, pg_restore and psql are needed (apt-get install postgresql-client)")
    import psycopg

    child = ChildFactory(name="麦晓琳", social_worker=worker, id_number="440802201503011234")
    child.photo.save("photo.jpg", ContentFile(b"\xff\xd8 photo bytes \xff\xd9"))
    ParentFactory(child=child, name="麦国强")
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("backup passphrase of the test", encoding="utf-8")
    source = connection.settings_dict["NAME"]
    env = {"DATABASE_URL": _url(source), "PROTECTED_MEDIA_ROOT": str(protected_media),
           "BACKUP_PASSPHRASE_FILE": str(passphrase)}

    archive = Path(_run("backup.sh", str(tmp_path / "backups"), env=env).strip().splitlines()[-1])
    assert archive.is_file() and archive.name.endswith(".tonghu-backup.enc")
    sealed = archive.read_bytes()
    assert "麦晓琳".encode() not in sealed and b"photo bytes" not in sealed

    restored = f"{source}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        restored_media = tmp_path / "restored-media"
        _run("restore.sh", str(archive), env={**env, "DATABASE_URL": _url(restored),
                                               "PROTECTED_MEDIA_ROOT": str(restored_media)})
        # restoring again into the now full database is refused
        again = subprocess.run([str(ROOT / "scripts" / "restore.sh"), str(archive)], capture_output=True, text=True,
                               env={**os.environ, **env, "DATABASE_URL": _url(restored)}, timeout=120)
        assert again.returncode != 0 and "empty" in again.stderr

        tables = connection.introspection.table_names()
        with psycopg.connect(_url(restored)) as other, connection.cursor() as here:
            for table in tables:
                here.execute(f'SELECT count(*) FROM "{table}"')
                theirs = other.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                assert theirs == here.fetchone(), table
            # the child's whole row, every column (ciphertext included), as the database's own text
            row = "SELECT to_jsonb(c)::text FROM children_child c WHERE id = %s"
            here.execute(row, [child.pk])
            mine = here.fetchone()
            assert mine is not None and "麦晓琳" in mine[0]
            assert other.execute(row, [child.pk]).fetchone() == mine
        assert (restored_media / child.photo.name).read_bytes() == b"\xff\xd8 photo bytes \xff\xd9"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
