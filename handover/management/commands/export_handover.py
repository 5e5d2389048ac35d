"""manage.py export_handover DIR [--passphrase-file F] [--no-pdfs]: the contract-end hand-over (R9)."""

import time

from django.core.management.base import BaseCommand, CommandError

from handover import crypto
from handover.export import HandoverError, export


class Command(BaseCommand):
    help = ("Write everything the project holds into DIR (new or empty): every table as JSON and xlsx, each "
            "child's and each case's PDF, every attachment, the audit log, the user guide (用户手册.pdf), a Chinese "
            "README and a manifest with the SHA-256 of every file. With --passphrase-file every file but README.md, "
            "manifest.json and the user guide is encrypted (AES-256-GCM, key by scrypt; handover/crypto.py). "
            "--no-pdfs skips the children's and cases' PDFs (they take about a second each: hours at 100,000 "
            "children; docs/benchmarks.md); the user guide is always included.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase (at least 12 characters)")
        parser.add_argument("--no-pdfs", action="store_true",
                            help="do not render each child's and each case's PDF (the user guide is still included)")
        parser.add_argument("--chunk-size", type=int, default=2000, help="rows read per database round trip")

    def handle(self, *args, directory, passphrase_file=None, no_pdfs=False, chunk_size=2000, **options):
        passphrase = None
        if passphrase_file:
            try:
                passphrase = crypto.read_passphrase(passphrase_file)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        started = time.monotonic()
        try:
            manifest = export(directory, passphrase=passphrase, pdfs=not no_pdfs, chunk_size=chunk_size,
                              progress=lambda value: self.stderr.write(f"\r{value}%", ending="") if options[
                                  "verbosity"] > 1 else None)
        except HandoverError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(entry["count"] for entry in manifest["tables"].values())
        self.stdout.write(f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files "
                          f"in {time.monotonic() - started:.1f} s → {directory}")
        for missing in manifest["missing_attachments"]:
            self.stderr.write(f"attachment missing: {missing}")
        for name, entry in manifest["documents"].items():
            if not entry["included"]:
                self.stderr.write(f"{name} not included: {entry['problem']}")
