import sys

from django.core.management.base import BaseCommand

from accounts.models import AuditEntry
from accounts.services import verify_audit_chain, write_audit_checkpoint


class Command(BaseCommand):
    help = ("Check the hash-chained audit log against itself and its signed checkpoints (altered, rewritten "
            "or truncated); exit status 1 if anything is wrong, else write a new signed checkpoint.")

    def add_arguments(self, parser):
        parser.add_argument("--no-checkpoint", action="store_true", help="Only check; write no checkpoint.")

    def handle(self, *args, **options):
        problems = verify_audit_chain()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            sys.exit(1)
        if not options["no_checkpoint"]:
            write_audit_checkpoint()
        self.stdout.write(f"操作日志完整：共 {AuditEntry.objects.count()} 条。")
