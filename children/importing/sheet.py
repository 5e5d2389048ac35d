"""Reading the first worksheet of an xlsx ledger into rows keyed by column (see the package docstring)."""

import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .cells import clean_text, compact


@dataclass(frozen=True)
class Column:
    """One ledger column. `headers` are what ledgers write above it; the first is the template's."""

    key: str
    headers: tuple[str, ...]
    required: bool = False
    note: str = ""  # the template's hint under the header


def header_key(text) -> str:
    """A header cell compared loosely: no spaces, no required-marks, half-width brackets."""
    text = compact(text).lower()
    for mark in ("(必填)", "(选填)", "(可选)", "*", ":", "："):
        text = text.replace(mark, "")
    return text


@dataclass
class SheetRow:
    number: int  # the row number the user sees in the spreadsheet
    values: dict[str, object]


@dataclass
class Sheet:
    header_row: int
    headers: dict[str, str]  # column key → the header text as written in the file
    rows: list[SheetRow] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # note rows under the table (填表人：…)
    ignored: list[str] = field(default_factory=list)  # headers of columns the import does not read


class SheetError(ValueError):
    """The file cannot be read as a ledger at all (no header row, not an xlsx file)."""


_HEADER_SCAN_ROWS = 30
_IGNORED_KEYS = ("seq",)


def _grid(worksheet) -> list[list]:
    """Every cell value, with each merged range's value copied into all of its cells."""
    if worksheet.max_row > MAX_ROWS + _HEADER_SCAN_ROWS:
        raise SheetError(_("The ledger has more than %(n)s rows. Split it into files of at most %(n)s children.")
                         % {"n": f"{MAX_ROWS:,}"})
    rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    for merged in worksheet.merged_cells.ranges:
        top = worksheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            row = rows[r]
            if len(row) < merged.max_col:
                row.extend([None] * (merged.max_col - len(row)))
            for c in range(merged.min_col - 1, merged.max_col):
                row[c] = top
    return rows


def _map_headers(cells: list, lookup: dict[str, str]) -> dict[int, str]:
    mapped: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = lookup.get(header_key(cell))
        if key and key not in mapped.values():
            mapped[index] = key
    return mapped


def _merged_map(upper: list, lower: list, lookup: dict[str, str]) -> dict[int, str]:
    """Two header rows (现居住地 over 县（市、区）): the combined text first, then either row."""
    mapped: dict[int, str] = {}
    for index in range(max(len(upper), len(lower))):
        top = upper[index] if index < len(upper) else None
        bottom = lower[index] if index < len(lower) else None
        for text in (f"{clean_text(top)}{clean_text(bottom)}", bottom, top):
            key = lookup.get(header_key(text))
            if key and key not in mapped.values():
                mapped[index] = key
                break
    return mapped


def _looks_like_headers(lower: list, upper: list, lookup: dict[str, str]) -> bool:
    """A second header row is mostly headers; a first data row (张三, 男, 2015-03-01) is not."""
    filled = [i for i, cell in enumerate(lower) if clean_text(cell)]
    known = [i for i in filled if header_key(lower[i]) in lookup
             or header_key(f"{clean_text(upper[i] if i < len(upper) else '')}{clean_text(lower[i])}") in lookup]
    return bool(filled) and 2 * len(known) >= len(filled)


def _header_lookup(columns: list[Column]) -> dict[str, str]:
    lookup = {}
    for column in columns:
        for header in column.headers:
            lookup.setdefault(header_key(header), column.key)
    return lookup


def _as_written(value) -> str:
    return " ".join(str(value).split()).strip("*＊ ") if value is not None else ""


def _is_note(content: dict) -> bool:
    """A note under the table is one text merged across the row: it fills both the name and the ID
    cells (a child's name is never its ID number), or every cell it touches."""
    texts = [clean_text(v) for v in content.values()]
    if "name" in content and "id_number" in content:
        return texts and clean_text(content["name"]) == clean_text(content["id_number"])
    return len(texts) > 1 and len(set(texts)) == 1


MAX_UPLOAD_BYTES = 20 * 2**20
# An xlsx is a zip: its unpacked size is read from the zip directory before openpyxl loads anything, and a
# file that would unpack into more than this is refused (a zip bomb, or a ledger too big for one import:
# openpyxl needs several times the unpacked size in memory). 20,000 children take about 40 MiB.
MAX_UNZIPPED_BYTES = 120 * 2**20
MAX_ROWS = 20_000


def _check_size(file) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # load_workbook says it is not a workbook
    finally:
        file.seek(0)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SheetError(_("The workbook would unpack to %(size)s MB, more than the %(max)s MB one import can "
                           "take. Split the ledger into smaller files (at most %(rows)s children each).")
                         % {"size": unzipped // 2**20, "max": MAX_UNZIPPED_BYTES // 2**20, "rows": f"{MAX_ROWS:,}"})


def read_sheet(file, columns: list[Column]) -> Sheet:
    """The first worksheet of an xlsx file as ledger rows (see the module docstring)."""
    _check_size(file)
    try:
        workbook = load_workbook(file, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise SheetError(_("The file cannot be opened as an Excel workbook (.xlsx). Save it as .xlsx "
                           "in Excel or WPS and upload it again.")) from exc
    grid = _grid(workbook.worksheets[0])
    lookup = _header_lookup(columns)
    required = {c.key for c in columns if c.required}

    def score(mapping):
        return len(set(mapping.values()) - set(_IGNORED_KEYS))

    scan = grid[:_HEADER_SCAN_ROWS + 1]
    single = [_map_headers(cells, lookup) for cells in scan]
    best = None  # (number of columns recognised, header row index, header rows used, mapping)
    for index, cells in enumerate(scan[:_HEADER_SCAN_ROWS]):
        candidates = [(single[index], 1)]
        if index + 1 < len(scan) and _looks_like_headers(scan[index + 1], cells, lookup):
            pair = _merged_map(cells, scan[index + 1], lookup)
            # Two rows only when the upper one adds something (现居住地 over 县/镇/村), not a title row.
            if score(pair) > max(score(single[index]), score(single[index + 1])):
                candidates.append((pair, 2))
        for mapping, height in candidates:
            if score(mapping) >= 2 and (best is None or score(mapping) > best[0]):
                best = (score(mapping), index, height, mapping)
    if best is None:
        raise SheetError(_("No header row was found in the first %(rows)s rows. Put the column headers of "
                           "the template (姓名, 公民身份号码 …) in one row above the children.")
                         % {"rows": _HEADER_SCAN_ROWS})
    _score, header_index, height, mapping = best
    header_cells = grid[header_index + height - 1]
    # Headers as the user wrote them (not made half-width), to name columns in messages.
    headers = {key: _as_written(header_cells[i]) or _as_written(grid[header_index][i]) for i, key in mapping.items()}
    missing = [c for c in columns if c.key in required and c.key not in headers]
    if missing:
        raise SheetError(_("The ledger has no column %(columns)s. Add it with the header used in the template.")
                         % {"columns": "、".join(f"“{c.headers[0]}”" for c in missing)})

    sheet = Sheet(header_row=header_index + 1, headers=headers)
    sheet.ignored = list(dict.fromkeys(_as_written(cell) for i, cell in enumerate(header_cells)
                                       if i not in mapping and clean_text(cell)))
    header_keys = {header_key(h) for h in headers.values()}
    for offset, cells in enumerate(grid[header_index + height:], start=header_index + height + 1):
        values = {key: cells[i] if i < len(cells) else None for i, key in mapping.items()}
        content = {k: v for k, v in values.items() if k not in _IGNORED_KEYS and clean_text(v)}
        if not content:
            continue
        if {header_key(v) for v in content.values()} <= header_keys:
            continue  # the header repeated (a printed ledger repeats it on every page)
        if _is_note(content):
            sheet.skipped.append(offset)  # a merged note across the row: 填表人：… 审核人：…
            continue
        sheet.rows.append(SheetRow(number=offset, values=values))
    return sheet

