"""Write the hand-over (R9): every table as JSON and xlsx, each child's and each case's PDF, every
attachment, the documents other apps register (the user guide as one PDF, documents.py), a Chinese README and
a manifest with the SHA-256 of every file (docs/privacy.md "Hand-over").

Streaming throughout: rows are read with `iterator(chunk_size=…)`, written line by line (JSON) and through
openpyxl's write-only workbooks, files are copied and hashed in chunks; nothing holds a whole table.
"""

import hashlib
import json
import logging
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import crypto
from .documents import documents as registered_documents
from .readme import write_readme
from .tables import columns, exported_models, json_line, label_of, rows

FORMAT = "tonghu-handover/1"
XLSX_ROWS_PER_SHEET = 1_000_000
XLSX_CELL_MAX = 32_767
COPY_CHUNK = 1024 * 1024

logger = logging.getLogger(__name__)


class HandoverError(Exception):
    pass


class _Hashing:
    """A binary file that hashes what it writes."""

    def __init__(self, raw):
        self.raw, self.sha, self.position = raw, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.raw.write(data)
        self.sha.update(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        self.raw.flush()


class Sink:
    """Files of the hand-over: each written once, encrypted when a key is given, its SHA-256 (of the bytes on
    disk) kept for the manifest."""

    def __init__(self, root: Path, key: bytes | None):
        self.root, self.key, self.files = root, key, {}

    def stored_name(self, relative: str, encrypt: bool = True) -> str:
        return relative + crypto.SUFFIX if self.key and encrypt else relative

    @contextmanager
    def open(self, relative: str, encrypt: bool = True):
        name = self.stored_name(relative, encrypt)
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as raw:
            hashing = _Hashing(raw)
            writer = crypto.EncryptingWriter(hashing, self.key) if self.key and encrypt else hashing
            yield writer
            if writer is not hashing:
                writer.close()
        self.files[name] = hashing.sha.hexdigest()

    def write_bytes(self, relative: str, data: bytes, encrypt: bool = True) -> None:
        with self.open(relative, encrypt) as out:
            out.write(data)

    def copy(self, relative: str, source: Path, encrypt: bool = True) -> None:
        with self.open(relative, encrypt) as out, open(source, "rb") as src:
            while chunk := src.read(COPY_CHUNK):
                out.write(chunk)


def _cell(value):
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > XLSX_CELL_MAX:  # the JSON file holds the whole text
            value = value[:XLSX_CELL_MAX - 1] + "…"
    return value


def _verbose(field) -> str:
    return str(getattr(field, "verbose_name", field.name))


def _export_table(sink: Sink, model, media_root: Path, missing: list, chunk_size: int) -> int:
    label = label_of(model)
    cols = columns(model)
    header = [_verbose(c.field) for c in cols]
    file_columns = [c.name for c in cols if c.is_file]
    workbook = Workbook(write_only=True)
    sheet, sheet_rows, sheet_number = None, XLSX_ROWS_PER_SHEET, 0
    count = 0
    with sink.open(f"data/json/{label}.json") as out:
        out.write(b"[\n")
        previous = None
        for _pk, record in rows(model, chunk_size=chunk_size):
            if previous is not None:
                out.write((previous + ",\n").encode("utf-8"))
            previous = json_line(record)
            if sheet_rows >= XLSX_ROWS_PER_SHEET:
                sheet_number += 1
                sheet = workbook.create_sheet(f"{model._meta.model_name[:25]}-{sheet_number}")
                sheet.append(header)
                sheet.append([c.name for c in cols])
                sheet_rows = 0
            sheet.append([_cell(record[c.name]) for c in cols])
            sheet_rows += 1
            count += 1
            for name in file_columns:
                stored = record[name]
                if stored:
                    source = media_root / stored
                    if source.is_file():
                        sink.copy(f"attachments/{stored}", source)
                    else:
                        missing.append(f"{label}:{_pk}:{stored}")
        if previous is not None:
            out.write((previous + "\n").encode("utf-8"))
        out.write(b"]\n")
    if sheet is None:
        sheet = workbook.create_sheet(model._meta.model_name[:25])
        sheet.append(header)
        sheet.append([c.name for c in cols])
    with sink.open(f"data/xlsx/{label}.xlsx") as out:
        workbook.save(out)
    return count


def _pdf_reader(user):
    """Who the PDFs are printed as: the exporting user when they see the whole project, else an unsaved user
    of the role that does (accounts.policy.HANDOVER_READER)."""
    from django.contrib.auth import get_user_model

    from accounts.policy import HANDOVER_READER, Can

    if user is not None and user.can(Can.SEE_PROJECT):
        return user
    return get_user_model()(username="handover", first_name="移交导出", role=HANDOVER_READER, is_active=True)


def _export_pdfs(sink: Sink, user, progress, chunk_size: int) -> dict:
    from cases.models import Case
    from cases.pdf import render_case_pdf
    from children.models import Child
    from children.pdf import render_child_pdf
    from children.services import PROFILE_PREFETCH, PROFILE_SELECT

    reader = _pdf_reader(user)
    children = Child.objects.select_related(*PROFILE_SELECT).prefetch_related(*PROFILE_PREFETCH).order_by("pk")
    cases = Case.objects.select_related("child__residence", "worker").order_by("pk")
    total = max(1, children.count() + cases.count())
    done = 0
    for child in children.iterator(chunk_size=chunk_size):
        sink.write_bytes(f"pdfs/children/{child.pk}.pdf", render_child_pdf(child, reader))
        done += 1
        if done % 50 == 0:
            progress(70 + 25 * done // total)
    counts = {"children": done}
    for case in cases.iterator(chunk_size=chunk_size):
        sink.write_bytes(f"pdfs/cases/{case.pk}.pdf", render_case_pdf(case, reader))
        done += 1
        if done % 50 == 0:
            progress(70 + 25 * done // total)
    counts["cases"] = done - counts["children"]
    return counts


def _export_documents(sink: Sink) -> dict:
    """The registered documents at the top level, never encrypted (they hold no personal data). One that
    cannot be made (the guide without docs/guide/, a failed render) is recorded with its problem instead:
    the rest of the hand-over does not depend on it. Copying one that was made fails the export like any
    other file."""
    recorded = {}
    for document in registered_documents:
        try:
            source = document.path()
        except Exception as exc:  # whatever the producer raises: the export goes on without the document
            logger.exception("hand-over: %s could not be made", document.name)
            recorded[document.name] = {"description": document.description, "included": False,
                                       "problem": f"{type(exc).__name__}: {exc}"[:2000]}
            continue
        sink.copy(document.name, source, encrypt=False)
        recorded[document.name] = {"description": document.description, "included": True, "problem": None}
    return recorded


def export(directory, *, passphrase: str | None = None, pdfs: bool = True, user=None, progress=None,
           chunk_size: int = 2000) -> dict:
    """Write the hand-over into `directory` (new or empty) and return its manifest."""
    from accounts.services import audit, verify_audit_chain

    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        raise HandoverError(f"{root} is not empty; a hand-over is written into a new directory.")
    root.mkdir(parents=True, exist_ok=True)
    progress = progress or (lambda value: None)
    encryption, key = None, None
    if passphrase:
        salt = crypto.new_salt()
        key = crypto.derive_key(passphrase, salt)
        encryption = {"scheme": "AES-256-GCM, 1 MiB chunks (handover/crypto.py)", "kdf": "scrypt",
                      "salt": salt.hex(), **crypto.SCRYPT}
    # Audited before the tables are read, so the hand-over's audit log holds its own export.
    audit(user=user, action="handover.export", target=None, encrypted=bool(key), pdfs=pdfs)
    sink = Sink(root, key)
    media_root = Path(settings.PROTECTED_MEDIA_ROOT)
    models = exported_models()
    tables, missing = {}, []
    for number, model in enumerate(models, start=1):
        label = label_of(model)
        tables[label] = {"count": _export_table(sink, model, media_root, missing, chunk_size),
                         "json": sink.stored_name(f"data/json/{label}.json"),
                         "xlsx": sink.stored_name(f"data/xlsx/{label}.xlsx")}
        progress(70 * number // len(models))
    pdf_counts = _export_pdfs(sink, user, progress, chunk_size) if pdfs else None
    document_list = _export_documents(sink)
    with sink.open("README.md", encrypt=False) as out:
        write_readme(out, models, encrypted=bool(key), pdfs=pdfs, documents=document_list)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "created_by": getattr(user, "username", "") or "",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "encryption": encryption,
        "pdfs": pdf_counts,
        "documents": document_list,
        "tables": tables,
        "missing_attachments": missing,
        "audit_chain_problems": verify_audit_chain(),
        "files": dict(sorted(sink.files.items())),
    }
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    progress(100)
    return manifest


def zip_directory(directory: Path, target: Path) -> None:
    """The browser's download: the directory as one zip (stored, the files are compressed or encrypted)."""
    import zipfile

    temporary = target.with_name(f".{target.name}.tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
    temporary.replace(target)
    shutil.rmtree(directory)
