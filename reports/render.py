"""Render a `ReportContent` as a PDF (WeasyPrint, Noto Sans CJK SC embedded) and as an xlsx of the same tables."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.pdf import html_to_pdf

from .figures import ReportContent

PROJECT_NAME = "湛江市困境儿童和留守儿童关爱服务项目"


def contract_name(content: ReportContent) -> str:
    from activities.models import ContractYear

    year = ContractYear.objects.filter(signed_on=content.period.contract_start).first()
    return str(year) if year else ""


def render_pdf(content: ReportContent, *, narratives: dict | None = None, version: int | None = None) -> bytes:
    narratives = narratives or {}
    for section in content.sections:
        section.text = narratives.get(section.narrative, "") if section.narrative else ""
    header = f"{content.title} · {content.area_name} · {content.period.code}"
    if content.period.in_progress:
        header += f"（{_('Draft')}，{content.period.as_of_label}）"
    # The header goes into a CSS string inside <style>, where neither HTML nor JS escaping applies.
    header = mark_safe("".join(c for c in header if c not in '"\\<>&\'\n'))  # noqa: S308
    html = render_to_string("reports/report_pdf.html", {
        "content": content, "contract_name": contract_name(content), "version": version,
        "running_header": header, "project_name": PROJECT_NAME, "generated_at": timezone.localtime()})
    return html_to_pdf(html)


def _cell(value):
    return value if isinstance(value, int | float) or value is None else str(value)


def render_xlsx(content: ReportContent) -> bytes:
    """One sheet per section: its facts, then each table whole (long lists included)."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    cover = book.create_sheet(_("Cover"))
    for row in [[content.title], [content.area_name], [_("Period"), content.period.code, content.period.label],
                [_("as at"), f"{content.period.as_of:%Y-%m-%d}"]]:
        cover.append([_cell(v) for v in row])
    for index, section in enumerate(content.sections, start=1):
        if section.narrative:
            continue
        sheet = book.create_sheet(f"{index}{section.title}"[:31])
        sheet.append([_cell(section.title)])
        sheet.cell(row=1, column=1).font = bold
        for label, value in section.facts:
            sheet.append([_cell(label), _cell(value)])
        for table in section.tables:
            sheet.append([])
            sheet.append([_cell(table.title)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append([_cell(h) for h in table.headers])
            for row in table.full_rows if table.full_rows is not None else table.rows:
                sheet.append([_cell(v) for v in row])
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
