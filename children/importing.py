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
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from simple_history.utils import bulk_create_with_history

from accounts.fields import blind_index
from accounts.models import Role, User
from accounts.services import audit
from divisions.models import Division

from . import idnumber
from .models import Category, Child, ChildCategory, Parent, name_pinyin, phone_index
from .validators import check_id_matches, validate_category_age, validate_phone, validate_registry_age

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
    keys = {name, _strip_city(name)}  # 湛江奋勇高新技术产业开发区 is also written 奋勇高新技术产业开发区
    name = _strip_city(name)
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
    """What to look a written name up by: as written, without 湛江市, then also without its suffix."""
    name = _strip_city(compact(text))
    suffixes = {"county": _COUNTY_SUFFIXES, "town": _TOWN_SUFFIXES, "village": _VILLAGE_SUFFIXES}[level]
    return list(dict.fromkeys([compact(text), name, _strip_suffix(name, suffixes)[0]]))


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
        # level → written name → divisions: the exact names, then every key (南方, 特呈村 …)
        self.exact: dict[str, dict[str, list[Division]]] = {}
        self.index: dict[str, dict[str, list[Division]]] = {}
        self.cache: dict[tuple, Division | Exception] = {}
        for division in Division.objects.exclude(level=Division.Level.CITY):
            self.divisions[division.code] = division
            self.keys[division.code] = _division_keys(division)
            self.by_level.setdefault(division.level, []).append(division)
            self.exact.setdefault(division.level, {}).setdefault(compact(division.name), []).append(division)
            for key in self.keys[division.code]:
                self.index.setdefault(division.level, {}).setdefault(key, []).append(division)

    def _find(self, text: str, level: str, within: Division | None) -> Division:
        def inside(divisions):
            return [d for d in divisions if within is None or d.code.startswith(within.code)]

        for key in _input_keys(text, level):
            exact = inside(self.exact.get(level, {}).get(key, []))
            if len(exact) == 1:
                return exact[0]
            found = inside(self.index.get(level, {}).get(key, []))
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
        key = (county, town, village)
        if key not in self.cache:  # a ledger names the same few villages over and over
            try:
                self.cache[key] = self._match(county, town, village)
            except (DivisionNotFound, DivisionAmbiguous) as exc:
                self.cache[key] = exc
        if isinstance(self.cache[key], Exception):
            raise self.cache[key]
        return self.cache[key]

    def _match(self, county: str, town: str, village: str) -> Division:
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
    ignored: list[str] = field(default_factory=list)  # headers of columns the import does not read


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
MAX_UNZIPPED_BYTES = 400 * 2**20  # an xlsx is a zip: refuse one that would unpack into gigabytes


def _check_size(file) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # load_workbook says it is not a workbook
    finally:
        file.seek(0)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SheetError(_("The workbook is too large to import at once. Split the ledger into smaller files."))


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


# ---------------------------------------------------------------- the ledger's columns

LEDGER_COLUMNS = [
    Column("seq", ("序号", "编号")),
    Column("name", ("姓名", "儿童姓名", "学生姓名", "名字"), required=True),
    Column("sex", ("性别",), note="可不填，按身份证号"),
    Column("ethnicity", ("民族",)),
    Column("id_number", ("公民身份号码", "身份证号", "身份证号码", "身份证", "儿童身份证号", "身份证件号码", "证件号码"),
           required=True, note="18位，末位可为X"),
    Column("birth_date", ("出生日期", "出生年月日", "出生年月", "生日"), note="可不填，按身份证号"),
    Column("hukou_type", ("户口性质", "户籍性质", "户口类型"), note="农村/城镇/无户籍"),
    Column("hukou", ("户籍地", "户籍所在地", "户籍地址", "户口所在地"), note="如：雷州市附城镇北门村"),
    # 户籍地 as a group over 县/镇/村 columns (two header rows)
    Column("hukou_county", ("户籍地县（市、区）", "户籍地县区", "户籍所在地县（市、区）", "户籍所在地县区")),
    Column("hukou_town", ("户籍地镇（街道）", "户籍地镇街", "户籍所在地镇（街道）", "户籍所在地镇街")),
    Column("hukou_village", ("户籍地村（居）", "户籍地村居", "户籍所在地村（居）", "户籍所在地村居")),
    Column("county", ("县（市、区）", "县区", "县(市区)", "区县", "县市区", "所属县区", "现居住地县(市、区)", "现居住地县区"),
           note="现居住地"),
    Column("town", ("镇（街道）", "镇街", "乡镇(街道)", "乡镇", "镇(街)", "镇街道", "所属镇街", "现居住地镇(街道)",
                    "现居住地镇街")),
    Column("village", ("村（居）", "村居", "村(社区)", "村(居委会)", "村委会", "村居委会", "所属村居", "现居住地村(居)",
                       "现居住地村居")),
    Column("residence", ("现居住地", "现住址", "居住地", "现居住地址")),
    Column("address", ("详细地址", "家庭住址", "门牌号", "地址"), note="村以下的详细地址"),
    Column("categories", ("儿童类别", "类别", "儿童类型", "困境类型", "人员类别"), required=True,
           note="多个类别用顿号分开"),
    Column("recognised_on", ("认定日期", "类别认定日期")),
    Column("guardian_name", ("监护人", "监护人姓名")),
    Column("guardian_relation", ("与儿童关系", "监护人与儿童关系", "监护人关系", "监护人与儿童的关系")),
    Column("guardian_phone", ("监护人电话", "监护人联系电话", "联系电话", "电话")),
    Column("father_name", ("父亲姓名", "父亲")),
    Column("father_situation", ("父亲状况", "父亲情况", "父亲状态")),
    Column("father_work_place", ("父亲务工地", "父亲务工地点", "父亲工作地")),
    Column("father_phone", ("父亲电话", "父亲联系电话")),
    Column("mother_name", ("母亲姓名", "母亲")),
    Column("mother_situation", ("母亲状况", "母亲情况", "母亲状态")),
    Column("mother_work_place", ("母亲务工地", "母亲务工地点", "母亲工作地")),
    Column("mother_phone", ("母亲电话", "母亲联系电话")),
    Column("caregiver_name", ("委托照护人", "委托照护人姓名", "照护人")),
    Column("caregiver_relation", ("照护人与儿童关系", "委托照护人与儿童关系", "照护人关系")),
    Column("caregiver_phone", ("照护人电话", "委托照护人电话", "照护人联系电话")),
    Column("school_stage", ("就学情况", "就学阶段", "学段", "在校情况", "就读情况")),
    Column("school_name", ("就读学校", "学校", "学校名称")),
    Column("grade", ("年级", "年级班级", "班级")),
    Column("health", ("健康状况", "身体状况")),
    Column("disability_type", ("残疾类别", "残疾类型")),
    Column("disability_grade", ("残疾等级",)),
    Column("economy", ("家庭经济状况", "家庭经济", "经济状况", "家庭困难类型")),
    Column("social_worker", ("负责社工", "责任社工", "社工")),
    Column("entered_on", ("纳入日期", "建档日期", "录入日期", "纳入台账日期")),
    Column("status", ("状态", "在册状态")),
    Column("exit_reason", ("退出原因",)),
    Column("exited_on", ("退出日期",)),
]
COLUMN_HEADERS = {c.key: c.headers[0] for c in LEDGER_COLUMNS}

# Words ledgers use for the choices, beyond the Chinese labels of the choices themselves.
SYNONYMS = {
    "sex": {"男": "M", "男性": "M", "女": "F", "女性": "F"},
    "hukou_type": {"农村": "rural", "农业": "rural", "农村户口": "rural", "农业户口": "rural", "城镇": "urban",
                   "非农业": "urban", "城镇户口": "urban", "非农业户口": "urban", "城市": "urban",
                   "无户籍": "unregistered", "无户口": "unregistered", "未登记户口": "unregistered"},
    "relation": {"父亲": "parent", "母亲": "parent", "父": "parent", "母": "parent", "父母": "parent",
                 "祖父": "grandparent", "祖母": "grandparent", "外祖父": "grandparent", "外祖母": "grandparent",
                 "爷爷": "grandparent", "奶奶": "grandparent", "外公": "grandparent", "外婆": "grandparent",
                 "祖父母": "grandparent", "外祖父母": "grandparent", "祖孙": "grandparent",
                 "哥哥": "sibling", "姐姐": "sibling", "兄": "sibling", "姐": "sibling", "兄长": "sibling",
                 "叔叔": "other_relative", "伯父": "other_relative", "伯母": "other_relative", "婶婶": "other_relative",
                 "姑姑": "other_relative", "姑妈": "other_relative", "舅舅": "other_relative",
                 "舅妈": "other_relative", "姨妈": "other_relative", "阿姨": "other_relative",
                 "叔父": "other_relative", "亲戚": "other_relative", "其他亲属": "other_relative",
                 "民政": "civil_affairs", "民政部门": "civil_affairs", "民政局": "civil_affairs",
                 "村委会": "village_committee", "居委会": "village_committee", "村(居)委会": "village_committee",
                 "其他": "other"},
    "situation": {"在家": "at_home", "在家务农": "at_home", "务农": "at_home", "外出务工": "working_away",
                  "外出打工": "working_away", "务工": "working_away", "打工": "working_away", "外出": "working_away",
                  "死亡": "dead", "去世": "dead", "已故": "dead", "病故": "dead", "失踪": "missing",
                  "服刑": "in_prison", "服刑在押": "in_prison", "在押": "in_prison", "戒毒": "in_rehab",
                  "强制隔离戒毒": "in_rehab", "重病": "seriously_ill", "重残": "severely_disabled",
                  "重度残疾": "severely_disabled", "失联": "out_of_contact", "撤销监护": "guardianship_revoked",
                  "被撤销监护资格": "guardianship_revoked", "遣送出境": "deported", "被遣送出境": "deported"},
    "school_stage": {"未入园": "none", "未入学": "none", "学前": "kindergarten", "幼儿园": "kindergarten",
                     "小学": "primary", "初中": "junior", "高中": "senior", "中职": "vocational", "中专": "vocational",
                     "职高": "vocational", "技校": "vocational", "辍学": "dropped_out", "失学": "out_of_school"},
    "health": {"健康": "healthy", "良好": "healthy", "正常": "healthy", "一般": "healthy", "慢性病": "chronic",
               "重病": "serious", "大病": "serious", "重大疾病": "serious", "残疾": "disabled"},
    "disability_type": {"视力": "vision", "听力": "hearing", "言语": "speech", "肢体": "physical",
                        "智力": "intellectual", "精神": "mental", "多重": "multiple"},
    "economy": {"一般": "none", "无": "none", "否": "none", "正常": "none", "非困难": "none", "低保": "minimum_living",
                "低保户": "minimum_living", "低保家庭": "minimum_living", "特困": "extreme_poverty",
                "特困供养": "extreme_poverty", "低保边缘": "low_income_edge", "低保边缘户": "low_income_edge",
                "其他困难": "other_hardship", "困难": "other_hardship"},
    "status": {"在册": "registered", "在档": "registered", "退出": "exited", "已退出": "exited"},
    "exit_reason": {"年满16周岁": "turned_16", "满16周岁": "turned_16", "年满18周岁": "turned_18",
                    "满18周岁": "turned_18", "父母返乡": "parents_returned", "迁出": "moved_away", "死亡": "died",
                    "其他": "other"},
    "category": {"留守儿童": "left_behind", "留守": "left_behind", "农村留守": "left_behind",
                 "事实无人抚养": "unsupported", "事实孤儿": "unsupported", "困难家庭": "poor_family",
                 "低保家庭儿童": "poor_family", "低保儿童": "poor_family", "特困儿童": "poor_family",
                 "重度残疾儿童": "severe_disability", "重残": "severe_disability", "兜底监护": "state_guardianship",
                 "其他困境": "other_difficulty", "其他": "other_difficulty"},
}
_GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4, "1级": 1, "2级": 2,
           "3级": 3, "4级": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_LIST_SPLIT = re.compile(r"[、,;/|\s]+")


# ---------------------------------------------------------------- checking every row


@dataclass
class Problem:
    row: int | None  # None: about the whole file
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


@dataclass
class PlannedChild:
    row: int
    child: Child  # not saved yet
    parents: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # (Category, recognised_on)
    place: str = ""


@dataclass
class ImportPlan:
    rows: list[PlannedChild] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def problems_by_row(self) -> dict:
        grouped: dict = {}
        for problem in self.problems:
            grouped.setdefault(problem.row, []).append(problem)
        return grouped


def _choice_lookup(choices, extra: dict[str, str]) -> dict[str, str]:
    """Value by what a ledger may write: the code, the Chinese label, or a common synonym."""
    with translation.override("zh-hans"):
        lookup = {compact(value).lower(): value for value, _label in choices}
        lookup.update({compact(str(label)).lower(): value for value, label in choices})
    lookup.update({compact(word).lower(): value for word, value in extra.items()})
    return lookup


class _Context:
    """What checking a row needs, loaded once per file."""

    def __init__(self, *, by):
        self.by = by
        self.today = timezone.localdate()
        self.matcher = DivisionMatcher()
        self.categories = {c.code: c for c in Category.objects.all()}
        self.category_lookup = {compact(c.name): c.code for c in self.categories.values()}
        self.category_lookup.update({compact(c.code): c.code for c in self.categories.values()})
        self.category_lookup.update({k: v for k, v in SYNONYMS["category"].items() if v in self.categories})
        self.lookups = {
            "sex": _choice_lookup(Child.Sex.choices, SYNONYMS["sex"]),
            "hukou_type": _choice_lookup(Child.HukouType.choices, SYNONYMS["hukou_type"]),
            "guardian_relation": _choice_lookup(Child.GuardianRelation.choices, SYNONYMS["relation"]),
            "situation": _choice_lookup(Parent.Situation.choices, SYNONYMS["situation"]),
            "school_stage": _choice_lookup(Child.SchoolStage.choices, SYNONYMS["school_stage"]),
            "health": _choice_lookup(Child.Health.choices, SYNONYMS["health"]),
            "disability_type": _choice_lookup(Child.DisabilityType.choices, SYNONYMS["disability_type"]),
            "economy": _choice_lookup(Child.Economy.choices, SYNONYMS["economy"]),
            "status": _choice_lookup(Child.Status.choices, SYNONYMS["status"]),
            "exit_reason": _choice_lookup(Child.ExitReason.choices, SYNONYMS["exit_reason"]),
        }
        self.area_codes = (by.area_codes() if by is not None and by.role == Role.SOCIAL_WORKER else None)
        workers = User.objects.filter(role=Role.SOCIAL_WORKER, is_active=True)
        self.workers: dict[str, list] = {}
        for worker in workers:
            for key in {compact(worker.username).lower(), compact(worker.full_name).lower()} - {""}:
                self.workers.setdefault(key, []).append(worker)


class _RowChecker:
    def __init__(self, context: _Context, row: SheetRow, headers: dict[str, str], problems: list[Problem]):
        self.context, self.row, self.headers, self.problems = context, row, headers, problems
        self.failed = False

    def problem(self, key: str, message: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.row.number, self.headers.get(key, COLUMN_HEADERS.get(key, "")), message))

    def raw(self, key: str):
        return self.row.values.get(key)

    def text(self, key: str, max_length: int = 200) -> str:
        value = unescape_formula_guard(clean_text(self.raw(key)))
        if len(value) > max_length:
            self.problem(key, _("Too long: at most %(n)s characters.") % {"n": max_length})
            return value[:max_length]
        return value

    def date(self, key: str) -> datetime.date | None:
        try:
            return parse_date(self.raw(key))
        except DateError:
            self.problem(key, _("“%(value)s” is not a date we can read. Write it as 2015-03-01.")
                         % {"value": clean_text(self.raw(key))})
            return None

    def choice(self, key: str, lookup_name: str, default: str = "") -> str:
        text = compact(unescape_formula_guard(clean_text(self.raw(key)))).lower()
        if not text:
            return default
        lookup = self.context.lookups[lookup_name]
        for candidate in (text, text.removesuffix("残疾"), text.removesuffix("户")):
            if candidate in lookup:
                return lookup[candidate]
        accepted = "、".join(dict.fromkeys(_labels(lookup_name)))
        self.problem(key, _("“%(value)s” is not one of: %(accepted)s.") % {"value": clean_text(self.raw(key)),
                                                                           "accepted": accepted})
        return default

    def phone(self, key: str) -> str:
        value = self.raw(key)
        if not clean_text(value):
            return ""
        try:
            return validate_phone(unescape_formula_guard(clean_text(value)).lstrip("'‘’`"))
        except ValidationError:
            self.problem(key, _("“%(value)s” is not a phone number. Write 11 digits for a mobile (13800138000) "
                                "or the area code and number for a landline (0759-2345678).")
                         % {"value": clean_text(value)})
            return ""


def _labels(lookup_name: str) -> list[str]:
    choices = {"sex": Child.Sex, "hukou_type": Child.HukouType, "guardian_relation": Child.GuardianRelation,
               "situation": Parent.Situation, "school_stage": Child.SchoolStage, "health": Child.Health,
               "disability_type": Child.DisabilityType, "economy": Child.Economy, "status": Child.Status,
               "exit_reason": Child.ExitReason}[lookup_name]
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


def _check_row(context: _Context, row: SheetRow, headers: dict[str, str], problems: list[Problem]):
    check = _RowChecker(context, row, headers, problems)
    name = "".join(check.text("name", 50).split())
    if not name:
        check.problem("name", _("The name is missing."))

    id_number, id_birth, id_sex = _check_id_number(check)
    sex = check.choice("sex", "sex")
    birth_date = check.date("birth_date")
    if id_number:
        for key, error in check_id_matches(id_number, birth_date=birth_date, sex=sex).items():
            check.problem(key, " ".join(error.messages))
    birth_date, sex = birth_date or id_birth, sex or id_sex

    status = check.choice("status", "status", Child.Status.REGISTERED)
    exit_reason = check.choice("exit_reason", "exit_reason")
    exited_on = check.date("exited_on")
    if status == Child.Status.EXITED and not (exit_reason and exited_on):
        check.problem("exit_reason", _("A child who has left the registry needs an exit reason and an exit date."))
    if status == Child.Status.REGISTERED:
        exit_reason, exited_on = "", None
        if birth_date:
            try:
                validate_registry_age(birth_date, on=context.today)
            except ValidationError as exc:
                check.problem("birth_date", " ".join(exc.messages) + _(" A child who has left: write 退出 in 状态."))

    residence, address = _check_residence(check)
    hukou, hukou_address = _check_hukou(check)

    entered_on = check.date("entered_on")
    recognised_on = check.date("recognised_on") or entered_on or context.today
    categories = _check_categories(check, birth_date if status == Child.Status.REGISTERED else None)

    child = Child(
        name=name, sex=sex or "", birth_date=birth_date, ethnicity=_ethnicity(check.text("ethnicity", 16)),
        id_number=id_number, hukou=hukou, hukou_address=hukou_address,
        hukou_type=check.choice("hukou_type", "hukou_type", Child.HukouType.RURAL),
        residence=residence, address=address,
        guardian_name=check.text("guardian_name", 50),
        guardian_relation=check.choice("guardian_relation", "guardian_relation"),
        guardian_phone=check.phone("guardian_phone"),
        caregiver_name=check.text("caregiver_name", 50), caregiver_relation=check.text("caregiver_relation", 20),
        caregiver_phone=check.phone("caregiver_phone"),
        school_stage=check.choice("school_stage", "school_stage"), school_name=check.text("school_name", 100),
        grade=check.text("grade", 20),
        health=check.choice("health", "health", Child.Health.HEALTHY),
        disability_type=check.choice("disability_type", "disability_type"),
        disability_grade=_check_grade(check),
        economy=check.choice("economy", "economy", Child.Economy.NONE),
        social_worker=_check_worker(check),
        status=status, exit_reason=exit_reason, exited_on=exited_on,
        source=Child.Source.IMPORT, created_by=context.by if context.by is not None else None,
    )
    if entered_on:
        child.created_at = timezone.make_aware(datetime.datetime.combine(entered_on, datetime.time(9)))
    parents = [p for p in (_check_parent(check, Parent.Kind.FATHER), _check_parent(check, Parent.Kind.MOTHER)) if p]
    if check.failed:
        return None
    links = [ChildCategory(category=context.categories[code], recognised_on=recognised_on,
                           basis=str(_("Recorded in the imported ledger")), created_by=child.created_by)
             for code in categories]
    return PlannedChild(row=row.number, child=child, parents=parents, categories=links,
                        place=context.matcher.describe(residence))


def _sex_label(sex: str) -> str:
    return str(Child.Sex(sex).label)


def _ethnicity(text: str) -> str:
    text = "".join(text.split())
    if not text:
        return "汉族"
    return text if text.endswith("族") else f"{text}族"


def _check_id_number(check: _RowChecker):
    value = check.raw("id_number")
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) != 18):
        check.problem("id_number", _("Excel stored the ID number as a number and lost its last digits. Format "
                                     "the column as text and type the numbers again."))
        return "", None, ""
    # A leading apostrophe is how people force Excel to keep a long number as text.
    text = unescape_formula_guard(clean_text(value)).lstrip("'‘’`")
    if not text:
        check.problem("id_number", _("The ID number is missing."))
        return "", None, ""
    if "*" in text:
        check.problem("id_number", _("The ID number is masked (****). Import from an export made with full "
                                     "ID numbers, or type the full number."))
        return "", None, ""
    try:
        number = idnumber.validate(text)
    except ValidationError as exc:
        check.problem("id_number", " ".join(str(m) for m in exc.messages))
        return "", None, ""
    return number, idnumber.birth_date_of(number), idnumber.sex_of(number)


def _check_residence(check: _RowChecker):
    matcher = check.context.matcher
    address = check.text("address", 200)
    cells = {k: compact(check.raw(k)) for k in ("county", "town", "village")}
    written = clean_text(check.raw("residence"))
    try:
        if any(cells.values()):
            division, column = matcher.match(**cells), "village" if cells["village"] else "town"
        elif written:
            division, rest = matcher.match_text(written)
            column = "residence"
            address = address or rest
        else:
            check.problem("village", _("The place of residence is missing: fill in 县（市、区）, 镇（街道） and "
                                       "村（居）."))
            return None, address
    except DivisionNotFound as exc:
        key = "residence" if written and not any(cells.values()) else _level_column(cells, exc.args[0])
        check.problem(key, _("“%(value)s” is not a county, town or village of Zhanjiang we know (or not in the "
                             "county or town given). Check the spelling.") % {"value": exc.args[0]})
        return None, address
    except DivisionAmbiguous as exc:
        check.problem("village" if cells["village"] else "residence",
                      _("The place could be any of: %(names)s. Write the full name or add the town.")
                      % {"names": "、".join(matcher.describe(d) for d in exc.candidates)})
        return None, address
    if division is None or division.level != Division.Level.VILLAGE:
        check.problem(column, _("Give the village or community (村（居）) the child lives in."))
        return None, address
    area_codes = check.context.area_codes
    if area_codes is not None and not any(division.code.startswith(code) for code in area_codes):
        check.problem(column, _("%(place)s is outside your work area; ask the project lead to import this child.")
                      % {"place": matcher.describe(division)})
        return None, address
    return division, address


def _level_column(cells: dict[str, str], value: str) -> str:
    for key in ("county", "town", "village"):
        if cells[key] == compact(value):
            return key
    return "village"


def _check_hukou(check: _RowChecker):
    cells = {k: compact(check.raw(f"hukou_{k}")) for k in ("county", "town", "village")}
    if any(cells.values()):
        try:
            return check.context.matcher.match(**cells), ""
        except (DivisionNotFound, DivisionAmbiguous):
            return None, "".join(cells.values())  # kept as text, like a place outside 湛江
    written = clean_text(check.raw("hukou"))
    if not written:
        return None, ""
    try:
        division, rest = check.context.matcher.match_text(written)
    except DivisionAmbiguous:
        return None, written  # kept as text: the registered place does not decide who sees the child
    return (division, rest) if division is not None else (None, written)


def _check_categories(check: _RowChecker, birth_date: datetime.date | None) -> list[str]:
    context = check.context
    words = [w for w in _LIST_SPLIT.split(unescape_formula_guard(clean_text(check.raw("categories")))) if w]
    if not words:
        check.problem("categories", _("Give at least one child category, e.g. 农村留守儿童."))
        return []
    codes = []
    accepted = "、".join(c.name for c in context.categories.values())
    for word in words:
        code = context.category_lookup.get(word) or context.category_lookup.get(word.removesuffix("儿童"))
        if code is None:
            check.problem("categories", _("“%(value)s” is not a child category. Use: %(accepted)s.")
                          % {"value": word, "accepted": accepted})
            continue
        if birth_date is not None:
            try:
                validate_category_age(category=context.categories[code], birth_date=birth_date, on=context.today)
            except ValidationError as exc:
                check.problem("categories", " ".join(exc.messages))
        if code not in codes:
            codes.append(code)
    return codes


def _check_grade(check: _RowChecker) -> int | None:
    text = compact(check.raw("disability_grade"))
    if not text:
        return None
    grade = _GRADES.get(text.removesuffix("残疾"))
    if grade is None:
        check.problem("disability_grade", _("“%(value)s” is not a disability grade. Write 一级 to 四级.")
                      % {"value": text})
    return grade


def _check_worker(check: _RowChecker):
    text = compact(check.raw("social_worker")).lower()
    by = check.context.by
    if not text:
        return by if by is not None and by.role == Role.SOCIAL_WORKER else None
    found = check.context.workers.get(text, [])
    if len(found) == 1:
        return found[0]
    if found:
        check.problem("social_worker", _("More than one social worker is called “%(value)s”; write the user "
                                         "name instead.") % {"value": text})
    else:
        check.problem("social_worker", _("No social worker “%(value)s” has an account. Write the name or user "
                                         "name of a social worker, or leave it empty.") % {"value": text})
    return None


def _check_parent(check: _RowChecker, kind: str):
    name = check.text(f"{kind}_name", 50)
    situation = check.choice(f"{kind}_situation", "situation")
    work_place = check.text(f"{kind}_work_place", 100)
    phone = check.phone(f"{kind}_phone")
    if not (name or situation or work_place or phone):
        return None
    situation = situation or (Parent.Situation.WORKING_AWAY if work_place else Parent.Situation.AT_HOME)
    return Parent(kind=kind, name=name, situation=situation, work_place=work_place, phone=phone)


# ---------------------------------------------------------------- the whole file


def plan_import(file, *, by=None) -> ImportPlan:
    """Read and check every row; nothing is saved. `by` is the person importing (None: a command run
    by the system administrator on the server), whose area scope limits where children may live."""
    plan = ImportPlan()
    try:
        sheet = read_sheet(file, LEDGER_COLUMNS)
    except SheetError as exc:
        plan.problems.append(Problem(None, "", str(exc)))
        return plan
    plan.skipped_rows, plan.ignored_headers = sheet.skipped, sheet.ignored
    return plan_sheet(sheet, by=by, plan=plan)


def plan_sheet(sheet: Sheet, *, by=None, plan: ImportPlan | None = None) -> ImportPlan:
    """Check the rows of a sheet already read (generate_dataset builds one without a file)."""
    plan = plan or ImportPlan()
    plan.row_count = len(sheet.rows)
    if not sheet.rows:
        plan.problems.append(Problem(None, "", _("The ledger has a header row but no children under it.")))
        return plan
    if not ({"county", "town", "village", "residence"} & sheet.headers.keys()):
        plan.problems.append(Problem(None, "", _("The ledger has no place of residence: add the columns 县（市、区）, "
                                                 "镇（街道） and 村（居）.")))
        return plan
    context = _Context(by=by)
    for row in sheet.rows:
        planned = _check_row(context, row, sheet.headers, plan.problems)
        if planned is not None:
            plan.rows.append(planned)
    _check_duplicates(plan, sheet, by)
    plan.problems.sort(key=lambda p: (p.row or 0))
    return plan


def _check_duplicates(plan: ImportPlan, sheet: Sheet, by) -> None:
    column = sheet.headers.get("id_number", COLUMN_HEADERS["id_number"])
    first_row: dict[str, int] = {}
    for planned in plan.rows:
        number = planned.child.id_number
        if number in first_row:
            plan.problems.append(Problem(planned.row, column, _("The same ID number is already on row %(row)s of "
                                                                "this file.") % {"row": first_row[number]}))
        else:
            first_row[number] = planned.row
    by_index = {blind_index(p.child.id_number): p for p in plan.rows}
    existing = dict(Child.objects.filter(id_number_index__in=list(by_index)).values_list("id_number_index", "pk"))
    if not existing:
        return
    visible = Child.objects.all() if by is None else Child.objects.visible_to(by)
    names = dict(visible.filter(pk__in=existing.values()).values_list("pk", "name"))
    for index, pk in existing.items():
        planned = by_index[index]
        if pk in names:
            message = _("Already in the registry as %(name)s (record %(pk)s).") % {"name": names[pk], "pk": pk}
        else:
            # Another county's child: say only that the number is registered (R4, least privilege).
            message = _("This ID number is already registered.")
        plan.problems.append(Problem(planned.row, column, message))


@transaction.atomic
def save_plan(plan: ImportPlan, *, by=None, filename: str = "", request=None) -> list:
    """Save every planned child with its parents and categories, and one audit entry; refuses a plan
    with any problem, so a ledger is imported whole or not at all."""


    if not plan.ok:
        raise ValueError("refusing to save an import plan with problems")
    children = []
    for planned in plan.rows:
        child = planned.child
        # bulk_create skips Child.save(): fill the search columns it would fill.
        child.name_pinyin, child.name_initials = name_pinyin(child.name)
        child.id_number_index = blind_index(child.id_number) if child.id_number else None
        child.guardian_phone_index = phone_index(child.guardian_phone)
        child.caregiver_phone_index = phone_index(child.caregiver_phone)
        children.append(child)
    user = by if by is not None and by.is_authenticated else None
    reason = str(_("Ledger import"))
    bulk_create_with_history(children, Child, batch_size=500, default_user=user, default_change_reason=reason)
    parents, links = [], []
    for planned in plan.rows:
        pk = planned.child.pk  # bulk_create returns primary keys on PostgreSQL and SQLite ≥ 3.35
        for parent in planned.parents:
            parent.child_id = pk
            parent.phone_index = phone_index(parent.phone)
            parents.append(parent)
        for link in planned.categories:
            link.child_id = pk
            links.append(link)
    bulk_create_with_history(parents, Parent, batch_size=500, default_user=user, default_change_reason=reason)
    bulk_create_with_history(links, ChildCategory, batch_size=500, default_user=user, default_change_reason=reason)
    audit(user=user, action="children.import", request=request, file=filename, children=len(children))
    return children


def import_ledger(file, *, by=None, dry_run: bool = False, filename: str = "") -> tuple[ImportPlan, list]:
    """Check a ledger and, when every row is valid and this is not a dry run, save it whole."""
    plan = plan_import(file, by=by)
    if not plan.ok or dry_run:
        return plan, []
    return plan, save_plan(plan, by=by, filename=filename)
