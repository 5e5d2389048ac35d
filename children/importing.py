"""Reading a social worker's xlsx ledger (台账) into child records, all or nothing.

Real ledgers are messy, so reading happens in three steps, each forgiving where the meaning is
unambiguous and precise where it is not:

1. `read_sheet` turns the first worksheet into rows of cell values keyed by column: it finds the
   header row under any title rows (and a second header row under grouped headers such as
   现居住地 over 县（市、区）/镇（街道）/村（居）), copies each merged cell's value into every
   cell it covers, and skips blank rows and note rows.
2. Cell normalisers (`clean_text`, `parse_date`, …) and `DivisionMatcher` turn the values into
   Python values: full-width characters, stray spaces, dates written any common way, county
   names with or without 区/县/市, villages without 村民委员会.
3. `plan_import` checks every row and collects every problem, by row and column, in Chinese;
   `import_ledger` saves the rows in one transaction only when there is no problem at all.

The Chinese column headers below are the file format social workers use, not interface text,
so they are literals here; every message a user reads goes through gettext.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from divisions.models import Division

# ---------------------------------------------------------------- text


def clean_text(value) -> str:
    """A cell as text: full-width letters, digits and brackets made half-width, spaces collapsed.

    Numbers come back without a trailing ".0" (a phone typed into a number cell is 13800138000.0).
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(text.split())


def compact(value) -> str:
    """Text with every space removed (names, ID numbers, place names never need them)."""
    return "".join(clean_text(value).split())


def unescape_formula_guard(text: str) -> str:
    """Exports put a ' before a value that a spreadsheet would run as a formula; take it off."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


# ---------------------------------------------------------------- dates

_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel serials between 1920-01-01 and 2099-12-31; other numbers are not dates.
_SERIAL_RANGE = (7306, 73415)


class DateError(ValueError):
    pass


def parse_date(value) -> datetime.date | None:
    """A date from a cell: a real date, an Excel serial number, or text such as 2015-03-01,
    2015/3/1, 2015.3.1, 2015年3月1日 or 20150301 (full-width digits too). Empty → None.

    Day-first or month-first forms (1/3/2015) are refused: they cannot be read unambiguously.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and _DATE_DIGITS.match(str(int(value))):
            return _date_from_digits(str(int(value)))
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return from_excel(value).date()
        raise DateError(value)
    text = compact(value)
    if not text:
        return None
    if match := _DATE_PARTS.match(text):
        return _make_date(*match.groups(), original=value)
    if _DATE_DIGITS.match(text):
        return _date_from_digits(text)
    if text.isdigit() and _SERIAL_RANGE[0] <= int(text) <= _SERIAL_RANGE[1]:
        return from_excel(int(text)).date()
    raise DateError(value)


def _date_from_digits(text: str) -> datetime.date:
    return _make_date(text[:4], text[4:6], text[6:], original=text)


def _make_date(year, month, day, *, original) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateError(original) from exc


# ---------------------------------------------------------------- divisions

_CITY_PREFIXES = ("广东省湛江市", "广东湛江市", "广东省", "湛江市", "湛江")
_COUNTY_SUFFIXES = ("区", "县", "市")
_TOWN_SUFFIXES = ("街道办事处", "街道办", "街道", "镇", "乡")
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区居委", "村委", "居委", "委员会")
_VILLAGE_TYPE_SUFFIXES = ("村民委员会", "村委会", "村委")


def _strip_suffix(name: str, suffixes) -> tuple[str, str]:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _strip_city(name: str) -> str:
    for prefix in _CITY_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def _division_keys(division: Division) -> set[str]:
    """The names a ledger may use for a division: its name, the name without its administrative
    suffix, and for villages the forms people say (特呈村委会 → 特呈村, 特呈; 南方社区居民委员会 →
    南方社区, 南方)."""
    name = compact(division.name)
    keys = {name}
    if division.level == Division.Level.COUNTY:
        keys.add(_strip_suffix(name, _COUNTY_SUFFIXES)[0])
    elif division.level == Division.Level.TOWN:
        keys.add(_strip_suffix(name, _TOWN_SUFFIXES)[0])
    elif division.level == Division.Level.VILLAGE:
        core, suffix = _strip_suffix(name, _VILLAGE_SUFFIXES)
        keys.add(core)
        if suffix in _VILLAGE_TYPE_SUFFIXES:
            keys.add(core + "村")
            if core.endswith("村") and len(core) > 2:
                keys.add(core[:-1])
        if core.endswith("社区") and len(core) > 2:
            keys.update({core[:-2], core[:-2] + "居"})
        elif suffix and suffix not in _VILLAGE_TYPE_SUFFIXES:
            keys.add(core + "社区")
    return keys


def _input_keys(text: str, level: str) -> list[str]:
    """What to look a written name up by: as written (without 湛江市), then without its suffix."""
    name = _strip_city(compact(text))
    suffixes = {"county": _COUNTY_SUFFIXES, "town": _TOWN_SUFFIXES, "village": _VILLAGE_SUFFIXES}[level]
    return list(dict.fromkeys([name, _strip_suffix(name, suffixes)[0]]))


class DivisionNotFound(ValueError):
    pass


class DivisionAmbiguous(ValueError):
    def __init__(self, candidates: list[Division]):
        super().__init__(candidates)
        self.candidates = candidates


class DivisionMatcher:
    """Finds divisions by the names a ledger uses. Loads every division of the city once."""

    def __init__(self):
        self.divisions: dict[str, Division] = {}
        self.keys: dict[str, set[str]] = {}
        self.by_level: dict[str, list[Division]] = {}
        for division in Division.objects.exclude(level=Division.Level.CITY):
            self.divisions[division.code] = division
            self.keys[division.code] = _division_keys(division)
            self.by_level.setdefault(division.level, []).append(division)

    def _find(self, text: str, level: str, within: Division | None) -> Division:
        candidates = [d for d in self.by_level.get(level, []) if within is None or d.code.startswith(within.code)]
        for key in _input_keys(text, level):
            exact = [d for d in candidates if compact(d.name) == key]
            if len(exact) == 1:
                return exact[0]
            found = [d for d in candidates if key in self.keys[d.code]]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise DivisionAmbiguous(sorted(found, key=lambda d: d.code))
        raise DivisionNotFound(text)

    def match(self, *, county: str = "", town: str = "", village: str = "") -> Division | None:
        """The deepest division named by the three cells, each one checked to lie in the one
        above it. A missing level is inferred when the lower name is unique (a village named
        without its town is accepted when only one village of that county has that name).
        Raises DivisionNotFound or DivisionAmbiguous; all three empty → None."""
        county, town, village = compact(county), compact(town), compact(village)
        if not (county or town or village):
            return None
        found = None
        if county:
            found = self._find(county, "county", None)
        if town:
            found = self._find(town, "town", found)
        if village:
            found = self._find(village, "village", found)
        return found

    def match_text(self, text: str) -> tuple[Division | None, str]:
        """A place written in one cell (湛江市雷州市附城镇北门村12号): the deepest division its
        beginning names, and the rest of the text (the street address)."""
        rest = _strip_city(compact(text))
        found = None
        for level in ("county", "town", "village"):
            best: dict[str, int] = {}
            for division in self.by_level.get(level, []):
                if found is not None and not division.code.startswith(found.code):
                    continue
                for key in self._written_forms(division):
                    if len(key) >= 2 and rest.startswith(key) and len(key) > best.get(division.code, 0):
                        best[division.code] = len(key)
            if not best:
                if level == "village":
                    break
                continue  # the county or town may be left out: 附城镇北门村, 霞山区特呈村
            longest = max(best.values())
            winners = [self.divisions[code] for code, length in best.items() if length == longest]
            if len(winners) > 1:
                raise DivisionAmbiguous(sorted(winners, key=lambda d: d.code))
            found = winners[0]
            rest = rest[longest:]
        return found, rest

    def _written_forms(self, division: Division) -> set[str]:
        keys = self.keys[division.code]
        if division.level == Division.Level.TOWN:
            core = _strip_suffix(compact(division.name), _TOWN_SUFFIXES)[0]
            return keys | {core + s for s in _TOWN_SUFFIXES}
        if division.level == Division.Level.VILLAGE:
            return keys | {k + s for k in keys for s in _VILLAGE_SUFFIXES}
        return keys

    def describe(self, division: Division) -> str:
        """County, town and village names in one string: 赤坎区中华街道南方社区居民委员会."""
        codes = (division.code[:6], division.code[:9], division.code)
        return "".join(dict.fromkeys(self.divisions[c].name for c in codes if c in self.divisions))


# ---------------------------------------------------------------- columns and the sheet reader


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


class SheetError(ValueError):
    """The file cannot be read as a ledger at all (no header row, not an xlsx file)."""


_HEADER_SCAN_ROWS = 30
_IGNORED_KEYS = ("seq",)


def _grid(worksheet) -> list[list]:
    """Every cell value, with each merged range's value copied into all of its cells."""
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


def read_sheet(file, columns: list[Column]) -> Sheet:
    """The first worksheet of an xlsx file as ledger rows (see the module docstring)."""
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
    headers = {key: clean_text(header_cells[i]) or clean_text(grid[header_index][i]) for i, key in mapping.items()}
    missing = [c for c in columns if c.key in required and c.key not in headers]
    if missing:
        raise SheetError(_("The ledger has no column %(columns)s. Add it with the header used in the template.")
                         % {"columns": "、".join(f"“{c.headers[0]}”" for c in missing)})

    sheet = Sheet(header_row=header_index + 1, headers=headers)
    header_keys = {header_key(h) for h in headers.values()}
    for offset, cells in enumerate(grid[header_index + height:], start=header_index + height + 1):
        values = {key: cells[i] if i < len(cells) else None for i, key in mapping.items()}
        content = {k: v for k, v in values.items() if k not in _IGNORED_KEYS and clean_text(v)}
        if not content:
            continue
        if {header_key(v) for v in content.values()} <= header_keys:
            continue  # the header repeated (a printed ledger repeats it on every page)
        if len({clean_text(v) for v in content.values()}) == 1 and len(content) > 1:
            sheet.skipped.append(offset)  # one merged note across the row: 填表人：… 审核人：…
            continue
        sheet.rows.append(SheetRow(number=offset, values=values))
    return sheet
