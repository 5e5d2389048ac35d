"""`manage.py generate_report --kind K --period P [--county CODE] [--output FILE.pdf]` (docs/reports.md)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from reports.figures import build
from reports.periods import Kind, county_division, parse_period
from reports.render import render_pdf, render_xlsx


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class Command(BaseCommand):
    help = "Write a periodic report for the bureau as a PDF, with an xlsx of the same tables beside it."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=Kind.VALUES)
        parser.add_argument("--period", required=True, help="2026-11, 2026-Q4, 2026-H2, 2026, C2026, C2026-H1")
        parser.add_argument("--county", default=None, help="county code (analysis report only), e.g. 440883")
        parser.add_argument("--output", default=None, help="PDF file (default var/reports/…); the xlsx goes beside it")

    def handle(self, *args, kind, period, county, output, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                parsed = parse_period(kind, period)
                area = county_division(county, kind)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            content = build(kind, parsed, area=area)
            pdf = render_pdf(content)
            xlsx = render_xlsx(content)
            if output:
                pdf_path = Path(output)
            else:
                name = f"{kind}-{parsed.code}{'-' + area.code if area else ''}.pdf"
                pdf_path = Path(settings.VAR_DIR) / "reports" / name
            write_atomically(pdf_path, pdf)
            write_atomically(pdf_path.with_suffix(".xlsx"), xlsx)
            note = f"（{_('Draft')}，{parsed.as_of_label}）" if parsed.in_progress else ""
            self.stdout.write(_("Wrote %(pdf)s and %(xlsx)s%(note)s") % {
                "pdf": pdf_path, "xlsx": pdf_path.with_suffix(".xlsx"), "note": note})
