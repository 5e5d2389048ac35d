import sys

from django.core.management.base import BaseCommand

from accounts.models import AuditEntry
from accounts.services import verify_audit_chain


class Command(BaseCommand):
    help = "Check that the hash-chained audit log has not been altered; exit status 1 if it has."

    def handle(self, *args, **options):
        problems = verify_audit_chain()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            sys.exit(1)
        self.stdout.write(f"审计日志完整：共 {AuditEntry.objects.count()} 条。")
