"""manage.py purge_after_handover DIR --confirm: delete the personal data here after a verified hand-over."""

from django.core.management.base import BaseCommand, CommandError

from handover import crypto
from handover.purge import PurgeRefused, purge


class Command(BaseCommand):
    help = ("After the bureau has received the hand-over in DIR: verify it against this database (all of it; "
            "refused on any difference), then delete every row about anyone (children, families, cases, "
            "visits, staff, history — the administrative divisions and the audit log stay), every protected "
            "file and the backups in BACKUP_DIR, reclaim the space, and write a deletion certificate into DIR. "
            "Nothing happens without --confirm.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--confirm", action="store_true")
        parser.add_argument("--passphrase-file", help="needed when the hand-over is encrypted")
        parser.add_argument("--operator", default="", help="the name of the person deleting, for the certificate")

    def handle(self, *args, directory, confirm=False, passphrase_file=None, operator="", **options):
        if not confirm:
            raise CommandError("Add --confirm: this deletes the personal data of the whole project.")
        passphrase = crypto.read_passphrase(passphrase_file) if passphrase_file else None
        try:
            certificate = purge(directory, passphrase=passphrase, operator=operator)
        except PurgeRefused as exc:
            raise CommandError(f"The hand-over does not verify; nothing was deleted.\n{exc}") from exc
        self.stdout.write(f"Deleted {certificate['rows_deleted_total']} rows and "
                          f"{certificate['protected_files_deleted']} files. Certificate: {certificate['path']}")
