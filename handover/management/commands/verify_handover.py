"""manage.py verify_handover DIR: files against the manifest, and the database against the files."""

from django.core.management.base import BaseCommand, CommandError

from handover import crypto
from handover.verify import verify


class Command(BaseCommand):
    help = ("Check a hand-over: the SHA-256 of every file in its manifest, no file missing or added, and — "
            "unless --files-only — every table's count and every record against this database (an encrypted "
            "hand-over's records need --passphrase-file). Exits 1 naming each file or record that differs.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--passphrase-file")
        parser.add_argument("--files-only", action="store_true", help="do not compare with the database")

    def handle(self, *args, directory, passphrase_file=None, files_only=False, **options):
        passphrase = crypto.read_passphrase(passphrase_file) if passphrase_file else None
        result = verify(directory, passphrase=passphrase, database=not files_only)
        for note in result.notes:
            self.stdout.write(note)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(result.problems)} differences: the hand-over does not verify.")
        tables = len(result.manifest.get("tables", {}))
        self.stdout.write(f"OK: {len(result.manifest['files'])} files, {tables} tables.")
