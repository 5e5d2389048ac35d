"""Writing the registry as an xlsx ledger in the import template's columns, so an export imports back.

Privacy (docs/domain.md §8, R4/R5): an export is masked unless the person asks for full details and
their role allows it (`may_export_full`): masked exports show ID numbers as 440802************,
the birth year, 户籍地 at county level, phones as *******8000 and leave street addresses out, so that
no set of columns rebuilds an ID number or phone (docs/privacy.md, "Masked exports"). A full
export is what a hand-over to the bureau or a re-import needs. Every export writes one audit entry saying who, how many, how, and
with which filter.

Cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading
apostrophe (`guard`); the importer takes it off again.

The file is written by a small streaming writer rather than openpyxl: at 100,000 children
openpyxl's write-only mode spends most of a minute building cell objects, this writer a few
seconds (docs/benchmarks.md).
"""

import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.exports import export_stamp
from accounts.policy import Can, allows
from accounts.services import audit
from divisions.models import Division

from . import idnumber
from .importing import COLUMN_HEADERS, LEDGER_COLUMNS
from .models import Category, Child, ChildCategory, Parent, RiskLevel

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The import template's columns, in its order; 现居住地 is written as its three columns.
EXPORT_KEYS = [
    "seq", "name", "sex", "ethnicity", "id_number", "birth_date", "hukou_type", "hukou", "county", "town",
    "village", "address", "categories", "recognised_on", "guardian_name", "guardian_relation", "guardian_phone",
    "father_name", "father_situation", "father_work_place", "father_phone", "mother_name", "mother_situation",
    "mother_work_place", "mother_phone", "caregiver_name", "caregiver_relation", "caregiver_phone", "school_stage",
    "school_name", "grade", "health", "disability_type", "disability_grade", "economy", "social_worker",
    "entered_on", "status", "exit_reason", "exited_on",
]
# Shown for reading, not imported: a risk level is confirmed by a person after an assessment.
RISK_HEADER = "风险等级"
GRADE_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def guard(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def mask_phone(phone: str) -> str:
    """'13800138041' → '*******8041'. Only the last four: the first three and the middle four of a
    mobile number name the operator and the city (HLR), which the export's place columns narrow down;
    seven hidden digits leave millions of candidates (docs/privacy.md, "Masked exports")."""
    return "*" * (len(phone) - 4) + phone[-4:] if len(phone) >= 8 else "*" * len(phone)


def mask_id_number(value: str) -> str:
    """'440882201302280413' → '440882************'. A masked export shows the birth year and the
    county of 户籍 anyway, so only the region is shown: the birth day (365) and the sequence digits
    (500 for a known sex) stay hidden, ≥ 10⁴ candidates whatever else the row says. The last four
    (what lists show) would with the birth date rebuild the number through the check digit."""
    number = idnumber.normalise(value)
    return number[:6] + "*" * (len(number) - 6) if len(number) > 6 else "*" * len(number)


def may_export_full(user, reason: str = "") -> bool:
    """Full ID numbers, phones and addresses: the project lead and the supervisor (hand-over, re-import);
    the bureaus only with a recorded reason (R4); a command run on the server (user None) may too."""
    if user is None or allows(user, Can.EXPORT_REGISTRY_FULL):
        return True
    return bool(reason.strip()) and allows(user, Can.EXPORT_REGISTRY_FULL_WITH_REASON)


# ---------------------------------------------------------------- a streaming xlsx writer

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STATIC_PARTS = {
    "[Content_Types].xml": (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML}<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'),
    # Styles: 0 default, 1 date (yyyy-mm-dd), 2 bold header, 3 text (@) so an edited ID stays text.
    "xl/styles.xml": (
        f'{_XML}<styleSheet xmlns="{_MAIN_NS}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="宋体"/></font>'
        '<font><b/><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_ILLEGAL_XML = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])
_ESCAPES = {"\r": "&#13;", "\t": "&#9;"}


class XlsxWriter:
    """One worksheet written row by row straight into the zip: constant memory, no cell objects.

    Text is written inline and styled as text; dates as dates; numbers as numbers.
    """

    def __init__(self, target, *, sheet_name: str, widths: Iterable[int] = (), footer: str = ""):
        self.footer = footer  # printed at the foot of every page (who exported it and when, R4)
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheet_name = sheet_name
        self.stream = self.zip.open("xl/worksheets/sheet1.xml", "w")
        self.row_number = 0
        self.letters: list[str] = []
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        self._write(f'{_XML}<worksheet xmlns="{_MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
                    f'</sheetViews>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')

    def _write(self, text: str) -> None:
        self.stream.write(text.encode("utf-8"))

    def row(self, values: list, *, style: int | None = None) -> None:
        self.row_number += 1
        n = self.row_number
        while len(self.letters) < len(values):
            self.letters.append(get_column_letter(len(self.letters) + 1))
        cells = []
        for letter, value in zip(self.letters, values, strict=False):
            if value is None or value == "":
                continue
            ref = f"{letter}{n}"
            if isinstance(value, datetime.datetime):
                value = value.date()
            if isinstance(value, datetime.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - _EXCEL_EPOCH).days}</v></c>')
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = escape(str(value).translate(_ILLEGAL_XML), _ESCAPES)
                cells.append(f'<c r="{ref}" s="{style or 3}" t="inlineStr"><is><t xml:space="preserve">{text}</t>'
                             '</is></c>')
        self._write(f'<row r="{n}">{"".join(cells)}</row>')

    def close(self) -> None:
        footer = escape(self.footer.replace("&", "&&"))
        self._write("</sheetData>" + (f"<headerFooter><oddFooter>&amp;L{footer}</oddFooter></headerFooter>"
                                      if footer else "") + "</worksheet>")
        self.stream.close()
        for name, content in _STATIC_PARTS.items():
            self.zip.writestr(name, content)
        self.zip.writestr("xl/workbook.xml", (
            f'{_XML}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{escape(self.sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------- the ledger


def export_queryset(children: QuerySet) -> QuerySet:
    """What an export reads: the fields it writes (the encrypted ones it does not write stay unread
    and undecrypted), the joins stated, related rows prefetched into plain lists."""
    if not children.query.order_by:
        children = children.order_by("residence_id", "name", "pk")
    return (children.select_related("social_worker")
            .only(*CHILD_FIELDS, "social_worker__username", "social_worker__full_name")
            .prefetch_related(Prefetch("parents", to_attr="export_parents", queryset=Parent.objects.only(
                                  "child_id", "kind", "name", "situation", "work_place", "phone")),
                              Prefetch("category_links", to_attr="export_categories",
                                       queryset=ChildCategory.objects.select_related("category")
                                       .only("child_id", "recognised_on", "category__name", "category__order"))))


CHILD_FIELDS = (
    "name", "sex", "ethnicity", "id_number", "birth_date", "hukou_type", "hukou_id", "hukou_address", "residence_id",
    "address", "guardian_name", "guardian_relation", "guardian_phone", "caregiver_name", "caregiver_relation",
    "caregiver_phone", "school_stage", "school_name", "grade", "health", "disability_type", "disability_grade",
    "economy", "social_worker_id", "created_at", "status", "exit_reason", "exited_on", "risk_level",
)


class _Rows:
    def __init__(self, *, full: bool):
        self.full = full
        self.names = dict(Division.objects.values_list("code", "name"))
        self.labels = {}
        with translation.override("zh-hans"):
            for key, choices in (("sex", Child.Sex), ("hukou_type", Child.HukouType),
                                 ("guardian_relation", Child.GuardianRelation), ("situation", Parent.Situation),
                                 ("school_stage", Child.SchoolStage), ("health", Child.Health),
                                 ("disability_type", Child.DisabilityType), ("economy", Child.Economy),
                                 ("status", Child.Status), ("exit_reason", Child.ExitReason), ("risk", RiskLevel)):
                self.labels[key] = {value: str(label) for value, label in choices.choices}

    def place(self, code: str | None) -> list[str]:
        if not code:
            return ["", "", ""]
        return [self.names.get(code[:n], "") if len(code) >= n else "" for n in (6, 9, 12)]

    def phone(self, phone: str) -> str:
        return phone if self.full or not phone else mask_phone(phone)

    def values(self, seq: int, child: Child) -> list:
        label = self.labels
        parents = {p.kind: p for p in child.export_parents}
        links = child.export_categories
        if self.full:
            hukou = "".join(n for n in self.place(child.hukou_id) if n) + (child.hukou_address or "")
        else:  # the county only: enough for the worker, no more than the ID's region digits say
            hukou = self.place(child.hukou_id)[0]
        row = {
            "seq": seq, "name": child.name, "sex": label["sex"].get(child.sex, ""), "ethnicity": child.ethnicity,
            "id_number": child.id_number if self.full else mask_id_number(child.id_number),
            "birth_date": child.birth_date if self.full or not child.birth_date else f"{child.birth_date.year}年",
            "hukou_type": label["hukou_type"].get(child.hukou_type, ""),
            "hukou": hukou, "address": child.address if self.full else "",
            "categories": "、".join(link.category.name for link in sorted(links, key=lambda x: x.category.order)),
            "recognised_on": min((link.recognised_on for link in links), default=None),
            "guardian_name": child.guardian_name,
            "guardian_relation": label["guardian_relation"].get(child.guardian_relation, ""),
            "guardian_phone": self.phone(child.guardian_phone),
            "caregiver_name": child.caregiver_name, "caregiver_relation": child.caregiver_relation,
            "caregiver_phone": self.phone(child.caregiver_phone),
            "school_stage": label["school_stage"].get(child.school_stage, ""), "school_name": child.school_name,
            "grade": child.grade, "health": label["health"].get(child.health, ""),
            "disability_type": label["disability_type"].get(child.disability_type, ""),
            "disability_grade": GRADE_NAMES.get(child.disability_grade, ""),
            "economy": label["economy"].get(child.economy, ""),
            "social_worker": str(child.social_worker) if child.social_worker else "",
            "entered_on": timezone.localtime(child.created_at).date(),
            "status": label["status"].get(child.status, ""),
            "exit_reason": label["exit_reason"].get(child.exit_reason, ""), "exited_on": child.exited_on,
        }
        row["county"], row["town"], row["village"] = self.place(child.residence_id)
        for kind in ("father", "mother"):
            parent = parents.get(kind)
            if parent is not None:
                row[f"{kind}_name"] = parent.name
                row[f"{kind}_situation"] = label["situation"].get(parent.situation, "")
                row[f"{kind}_work_place"] = parent.work_place
                row[f"{kind}_phone"] = self.phone(parent.phone)
        values = [guard(row.get(key, "")) for key in EXPORT_KEYS]
        return [*values, label["risk"].get(child.risk_level, "")]


def ledger_rows(children: QuerySet, *, full: bool) -> Iterator[list]:
    rows = _Rows(full=full)
    for seq, child in enumerate(export_queryset(children).iterator(chunk_size=2000), start=1):
        yield rows.values(seq, child)


HEADER = [COLUMN_HEADERS[key] for key in EXPORT_KEYS] + [RISK_HEADER]
WIDTHS = [6, 10, 6, 8, 22, 12, 10, 24, 10, 12, 18, 20, 20, 12, 10, 12, 14, 10, 10, 16, 14, 10, 10, 16, 14, 10, 12,
          14, 10, 20, 8, 10, 10, 8, 12, 10, 12, 8, 12, 12, 10]


def write_ledger(children: QuerySet, target, *, full: bool, by=None, request=None, filters: dict | None = None,
                 via: str = "web", reason: str = "") -> int:
    """Write the children as a ledger into `target` (a path or binary file) and audit it (with the reason
    given for a full export, R4). The sheet's footer names who exported it and when.
    Returns the number of children written."""
    if full and not may_export_full(by, reason):
        raise PermissionError("full export not allowed for this user")
    count = 0
    with XlsxWriter(target, sheet_name=_("Registry"), widths=WIDTHS, footer=export_stamp(by)) as writer:
        writer.row(HEADER, style=2)
        for values in ledger_rows(children, full=full):
            writer.row(values)
            count += 1
    extra = {"reason": reason.strip()} if reason.strip() else {}
    audit(user=by, action="children.export", request=request, children=count, full=full, via=via,
          filters={k: v for k, v in (filters or {}).items() if v not in ("", None, [])}, **extra)
    return count


# ---------------------------------------------------------------- the import template

TEMPLATE_ROWS = 2000  # rows prepared with text format and drop-down lists
_TEXT_KEYS = ("id_number", "guardian_phone", "father_phone", "mother_phone", "caregiver_phone")
_LIST_KEYS = {"sex": "sex", "hukou_type": "hukou_type", "guardian_relation": "guardian_relation",
              "father_situation": "situation", "mother_situation": "situation", "school_stage": "school_stage",
              "health": "health", "disability_type": "disability_type", "economy": "economy", "status": "status",
              "exit_reason": "exit_reason"}


def ledger_template() -> bytes:
    """The import template: the ledger's columns (required ones in red), text format for ID numbers
    and phones so Excel keeps every digit, drop-down lists for the choices, and a sheet of notes."""
    columns = {c.key: c for c in LEDGER_COLUMNS}
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Registry"))
    with translation.override("zh-hans"):
        labels = _Rows(full=True).labels
        choices = {key: [label for value, label in labels[name].items() if value] for key, name in _LIST_KEYS.items()}
        choices["disability_grade"] = list(GRADE_NAMES.values())
        choices["categories"] = [c.name for c in Category.objects.all()]
        for index, key in enumerate(EXPORT_KEYS, start=1):
            cell = sheet.cell(row=1, column=index, value=COLUMN_HEADERS[key])
            cell.font = Font(bold=True, color="C00000" if columns[key].required else "000000")
            if columns[key].note:
                cell.comment = Comment(columns[key].note, "童护")
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = WIDTHS[index - 1]
            if key in _TEXT_KEYS:
                for row in range(2, TEMPLATE_ROWS + 2):
                    sheet.cell(row=row, column=index).number_format = "@"
            if key in choices and key != "categories":
                validation = DataValidation(type="list", formula1='"' + ",".join(choices[key]) + '"',
                                            allow_blank=True, showErrorMessage=False)
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"

        notes = book.create_sheet(str(_("How to fill in")))
        notes.append([str(_("Column")), str(_("Required")), str(_("What to write"))])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for key in EXPORT_KEYS:
            column = columns[key]
            hint = column.note
            if key in choices:
                hint = "、".join(filter(None, [hint, *choices[key]]))
            notes.append([COLUMN_HEADERS[key], str(_("yes")) if column.required else "", hint])
        for line in (_("One child per row. Title rows above the header, blank rows and a signature line below are "
                       "fine; the header row is found automatically."),
                     _("Dates may be written 2015-03-01, 2015/3/1, 2015.3.1 or 2015年3月1日."),
                     _("Place names may be written with or without 区/县/市, 镇/街道 and 村民委员会/居民委员会."),
                     _("If any row has a problem, nothing is imported: every problem is listed by row and column.")):
            notes.append([])
            notes.append([str(line)])
        notes.column_dimensions["A"].width = 16
        notes.column_dimensions["B"].width = 6
        notes.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
