from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from children.exporting import write_ledger
from children.models import Child
from divisions.models import code_prefix


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (`--help` crashed).
    help = ("Export the registry as an xlsx ledger in the import template's columns. ID numbers and "
                        "phones are masked and street addresses left out unless --full is given (hand-over to "
                        "the bureau, re-import). Every export is written to the audit log.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the file to write (.xlsx)"))
        parser.add_argument("--full", action="store_true",
                            help=_("full ID numbers, phones and addresses"))
        parser.add_argument("--area", help=_("only children living in this division, e.g. 440882"))
        parser.add_argument("--status", choices=["registered", "exited", "all"], default="all",
                            help=_("in the registry, left, or all (the default)"))

    def handle(self, *args, file, full=False, area=None, status="all", **options):
        with translation.override(settings.LANGUAGE_CODE):
            children = Child.objects.all()
            if area:
                children = children.filter(residence__code__startswith=code_prefix(area))
            if status != "all":
                children = children.filter(status=status)
            try:
                with open(file, "wb") as target:
                    count = write_ledger(children, target, full=full, via="command",
                                         filters={"area": area, "status": status})
            except OSError as exc:
                raise CommandError(_("Cannot write %(file)s: %(error)s") % {"file": file, "error": exc.strerror}) \
                    from exc
            message = (_("Exported %(n)s children to %(file)s with full details.") if full else
                       _("Exported %(n)s children to %(file)s; ID numbers and phones masked, addresses left out."))
            self.stdout.write(self.style.SUCCESS(message % {"n": count, "file": file}))
