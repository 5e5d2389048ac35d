"""After a verified hand-over: delete the personal data held here and write a deletion certificate.

What goes: every row of every table the hand-over holds except the administrative divisions (public reference
data) and the audit log (R6 keeps it ≥ 3 years; it holds no child data, and its user references are cleared),
plus sessions and sign-in attempts; every file under PROTECTED_MEDIA_ROOT outside the hand-over directory; the
backups of BACKUP_DIR. Then the database gives the space back (SQLite: VACUUM and a truncated WAL, so deleted
rows leave no bytes in the file; PostgreSQL: VACUUM FULL of each table) — docs/privacy.md "Hand-over".
"""

import getpass
import hashlib
import json
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .tables import label_of, purged_models
from .verify import CERTIFICATE_PREFIX, verify


class PurgeRefused(Exception):
    pass


def _inside(path: Path, directory: Path) -> bool:
    return directory == path or directory in path.parents


def _delete_files(root: Path, keep: Path) -> int:
    deleted = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*"), reverse=True):
        resolved = path.resolve()
        if _inside(resolved, keep) or _inside(keep, resolved):
            continue
        if path.is_file() or path.is_symlink():
            path.unlink()
            deleted += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return deleted


def _delete_backups(keep: Path) -> list[str]:
    directory = Path(getattr(settings, "BACKUP_DIR", "") or "")
    if not str(directory) or not directory.is_dir():
        return []
    deleted = []
    for path in sorted(directory.glob("*.tonghu-backup*")):
        if path.is_file() and not _inside(path.resolve(), keep):
            path.unlink()
            deleted.append(path.name)
    return deleted


def _delete_rows(models) -> dict[str, int]:
    from accounts.models import AuditEntry

    counts = {}
    with transaction.atomic():
        # The audit log stays; its entries keep the username as text (covered by the digest), not the row.
        AuditEntry.objects.exclude(user=None).update(user=None)
        for model in models:
            queryset = model._base_manager.all()
            counts[label_of(model)] = queryset.count()
            # One DELETE per table, no cascades or signals: every table about anyone goes, and Django's
            # foreign keys are checked at commit (deferred), when the referencing rows are gone too.
            queryset._raw_delete(queryset.db)
    return counts


def _reclaim(models) -> None:
    if connection.in_atomic_block:
        return  # tests inside a transaction: nothing to reclaim yet
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            for model in models:
                cursor.execute(f'VACUUM FULL "{model._meta.db_table}"')


def purge(directory, *, passphrase: str | None = None, operator: str = "") -> dict:
    from accounts.services import audit

    root = Path(directory).resolve()
    result = verify(root, passphrase=passphrase)
    if not result.ok:
        raise PurgeRefused("\n".join(result.problems))
    if result.notes:
        raise PurgeRefused("\n".join(result.notes))
    models = purged_models()
    counts = _delete_rows(models)
    media = _delete_files(Path(settings.PROTECTED_MEDIA_ROOT).resolve(), root)
    backups = _delete_backups(root)
    _reclaim(models)
    manifest_sha = hashlib.sha256((root / "manifest.json").read_bytes()).hexdigest()
    certificate = {
        "title": "个人信息删除证明 deletion certificate",
        "operator": operator,
        "system_user": getpass.getuser(),
        "host": socket.gethostname(),
        "deleted_at": timezone.now().isoformat(),
        "handover_directory": str(root),
        "manifest_sha256": manifest_sha,
        "handover_created_at": result.manifest.get("created_at"),
        "rows_deleted": counts,
        "rows_deleted_total": sum(counts.values()),
        "protected_files_deleted": media,
        "backups_deleted": backups,
        "kept": "行政区划（公开参考数据）与审计日志（不含儿童信息，保存不少于三年）",
    }
    text = json.dumps(certificate, ensure_ascii=False, indent=1)
    path = root / f"{CERTIFICATE_PREFIX}-{timezone.now():%Y%m%dT%H%M%S}.json"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o444)
    audit(user=None, action="handover.purge", target=None, manifest_sha256=manifest_sha, operator=operator,
          rows=certificate["rows_deleted_total"], files=media)
    certificate["path"] = str(path)
    return certificate
