"""Check a hand-over: every file against the manifest's SHA-256, and — where the database is — every table's
count and every record against the database. Each difference names the file or the record."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError

from . import crypto
from .tables import APPEND_ONLY, canonical, exported_models, json_line, label_of, rows

CERTIFICATE_PREFIX = "deletion-certificate"
SHOWN_PER_TABLE = 20


@dataclass
class Result:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    manifest: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _lines(path: Path, key: bytes | None):
    """The records of a table's JSON file, one per line, streamed (decrypted on the way when encrypted)."""
    if key is None:
        with open(path, "rb") as source:
            yield from source
        return
    with open(path, "rb") as source:
        rest = b""
        for chunk in crypto.decrypt_stream(source, key):
            rest += chunk
            *complete, rest = rest.split(b"\n")
            yield from complete
        if rest:
            yield rest


def _records(path: Path, key: bytes | None):
    for raw in _lines(path, key):
        line = raw.strip()
        if line in (b"", b"[", b"]"):
            continue
        yield json.loads(line.rstrip(b","))


def _check_files(root: Path, manifest: dict, result: Result) -> None:
    listed = manifest.get("files", {})
    for name, expected in listed.items():
        path = root / name
        if not path.is_file():
            result.problems.append(f"文件缺失 missing file: {name}")
        elif sha256_of(path) != expected:
            result.problems.append(f"文件已被改动 file changed (SHA-256 differs): {name}")
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and name != "manifest.json" and name not in listed \
                and not name.startswith(CERTIFICATE_PREFIX):
            result.problems.append(f"清单中没有的文件 file not in the manifest: {name}")


def _check_table(root: Path, label: str, entry: dict, key: bytes | None, records: bool, result: Result) -> None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        result.problems.append(f"数据库中没有这张表 table not in the database: {label}")
        return
    database_count = model._base_manager.count()
    if not records:
        if database_count != entry["count"] and not (label in APPEND_ONLY and database_count > entry["count"]):
            result.problems.append(f"记录数不一致 count differs: {label}: hand-over {entry['count']}, "
                                   f"database {database_count}")
        return
    pk_name = model._meta.pk.attname
    exported: dict = {}
    for record in _records(root / entry["json"], key):
        exported[record[pk_name]] = canonical(record, label)
    if len(exported) != entry["count"]:
        result.problems.append(f"记录数与清单不符 count differs from the manifest: {label}: file {len(exported)}, "
                               f"manifest {entry['count']}")
    top = max(exported, default=None) if label in APPEND_ONLY else None
    shown = []
    for pk, record in rows(model):
        plain = json.loads(json_line(record))
        pk = plain[pk_name]
        stored = exported.pop(pk, None)
        if stored is None:
            if top is not None and pk > top:
                continue  # appended to the journal after the export
            shown.append(f"{label} #{pk}: 在数据库中、不在移交包中 in the database, not in the hand-over")
        elif stored != canonical(plain, label):
            shown.append(f"{label} #{pk}: 与数据库不一致 differs from the database")
    shown += [f"{label} #{pk}: 在移交包中、数据库中已没有 in the hand-over, not in the database" for pk in exported]
    result.problems += shown[:SHOWN_PER_TABLE]
    if len(shown) > SHOWN_PER_TABLE:
        result.problems.append(f"{label}: 另有 {len(shown) - SHOWN_PER_TABLE} 条差异 and "
                               f"{len(shown) - SHOWN_PER_TABLE} more differences")


def verify(directory, *, passphrase: str | None = None, database: bool = True) -> Result:
    root = Path(directory)
    result = Result()
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        result.problems.append(f"清单无法读取 manifest.json cannot be read: {exc}")
        return result
    result.manifest = manifest
    _check_files(root, manifest, result)
    if not database:
        return result
    key = None
    if manifest.get("encryption"):
        if passphrase:
            key = crypto.key_from_manifest(manifest, passphrase)
        else:
            result.notes.append("移交包已加密，未给出口令：只核对了记录数 encrypted and no passphrase: counts only")
    records = key is not None or not manifest.get("encryption")
    changed = {p.rsplit(": ", 1)[-1] for p in result.problems}
    try:
        for label, entry in manifest.get("tables", {}).items():
            if entry["json"] in changed:  # already reported; its records cannot be trusted
                _check_table(root, label, entry, None, False, result)
                continue
            try:
                _check_table(root, label, entry, key, records, result)
            except crypto.DecryptionError as exc:
                result.problems.append(f"无法解密 cannot decrypt {entry['json']}: {exc}")
        for model in exported_models():
            label = label_of(model)
            if label not in manifest.get("tables", {}) and model._base_manager.exists():
                result.problems.append(f"移交包中没有这张表 table not in the hand-over: {label}")
    except DatabaseError as exc:
        result.notes.append(f"数据库不可用，只核对了文件 no database here, files only: {exc}")
    return result
