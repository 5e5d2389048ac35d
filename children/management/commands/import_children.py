from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from children.importing import import_ledger


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (`--help` crashed).
    help = ("Import children from an xlsx ledger: all rows are imported only when every row is "
                        "valid; otherwise nothing is imported and every problem is listed by row and column "
                        "(exit status 1).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the ledger (.xlsx) with the headers of the import template"))
        parser.add_argument("--dry-run", action="store_true", help=_("check only, import nothing"))
        parser.add_argument("--user", help=_("import as this user: checked against their work area "
                                                        "and recorded as who entered the children"))

    def handle(self, *args, file, dry_run=False, user=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            by = None
            if user:
                by = User.objects.filter(username=user, is_active=True).first()
                if by is None:
                    raise CommandError(_("There is no active user “%(user)s”.") % {"user": user})
            try:
                with open(file, "rb") as handle:
                    plan, created = import_ledger(handle, by=by, dry_run=dry_run, filename=str(file))
            except OSError as exc:
                raise CommandError(_("Cannot open %(file)s: %(error)s") % {"file": file, "error": exc.strerror}) \
                    from exc
            for problem in plan.problems:
                self.stderr.write(str(problem))
            if plan.problems:
                raise CommandError(_("%(n)s problems found; no child was imported. Correct the ledger and import "
                                     "it again.") % {"n": len(plan.problems)})
            if dry_run:
                self.stdout.write(self.style.SUCCESS(
                    _("Check passed: %(n)s children can be imported (nothing imported: --dry-run).")
                    % {"n": len(plan.rows)}))
            else:
                self.stdout.write(self.style.SUCCESS(_("Imported %(n)s children.") % {"n": len(created)}))
            if plan.pending_count:
                self.stdout.write(_("%(n)s of them have only an umbrella category (困境儿童) and are marked “category "
                                    "to be confirmed” (待细分).") % {"n": plan.pending_count})
