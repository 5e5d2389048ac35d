"""The forgiving parts of the ledger reader: dates, text, place names, header rows."""

import datetime
import io

import pytest
from openpyxl import Workbook

from children.importing import (
    Column,
    DateError,
    DivisionAmbiguous,
    DivisionMatcher,
    DivisionNotFound,
    SheetError,
    clean_text,
    parse_date,
    read_sheet,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [
    datetime.datetime(2015, 3, 1), datetime.date(2015, 3, 1), 42064, 42064.0, "42064", 20150301, "20150301",
    "2015-03-01", "2015-3-1", "2015/3/1", "2015.3.1", "2015. 3. 1", "2015年3月1日", "２０１５．３．１",
    " 2015-03-01 00:00:00 ", "2015年03月01日",
])
def test_every_common_way_of_writing_a_date_is_read(value):
    assert parse_date(value) == datetime.date(2015, 3, 1)


@pytest.mark.parametrize("value", ["1/3/2015", "2015.13.1", "2015年2月30日", "三月一日", "2015.3", 5, 1234567])
def test_dates_that_cannot_be_read_unambiguously_are_refused(value):
    with pytest.raises(DateError):
        parse_date(value)


def test_empty_date_is_none():
    assert parse_date(None) is None
    assert parse_date("  ") is None


def test_clean_text_makes_full_width_half_width_and_collapses_spaces():
    assert clean_text("　张　小明 ") == "张 小明"
    assert clean_text("４４０８０２２０１５０３０１１２３ｘ") == "44080220150301123x"
    assert clean_text(13800138000.0) == "13800138000"
    assert clean_text("县（市、区）") == "县(市、区)"


@pytest.fixture
def matcher():
    return DivisionMatcher()


@pytest.mark.parametrize("county", ["雷州市", "雷州", " 雷 州 市", "湛江市雷州市"])
def test_county_with_or_without_suffix(matcher, county):
    assert matcher.match(county=county).code == "440882"


@pytest.mark.parametrize("town", ["中华街道", "中华", "中华街道办", "中华街道办事处"])
def test_town_with_or_without_suffix(matcher, town):
    assert matcher.match(county="赤坎区", town=town).code == "440802001"


@pytest.mark.parametrize("village", ["南方社区居民委员会", "南方社区居委会", "南方社区", "南方"])
def test_community_with_or_without_suffix(matcher, village):
    assert matcher.match(county="赤坎", town="中华街道", village=village).code == "440802001001"


@pytest.mark.parametrize("village", ["特呈村委会", "特呈村民委员会", "特呈村", "特呈"])
def test_village_with_or_without_suffix(matcher, village):
    division = matcher.match(county="霞山区", village=village)
    assert division.name == "特呈村委会"


def test_village_named_like_its_suffix_is_found(matcher):
    """新村村委会: the village is called 新村, so 新村 and 新村村 both mean it."""
    xinbei = matcher.match(county="霞山区", village="新村村委会")
    assert matcher.match(county="霞山", village="新村") == xinbei
    assert matcher.match(county="霞山", village="新村村") == xinbei


def test_village_and_community_of_the_same_name_are_ambiguous_without_suffix(matcher):
    """和安社区居委会 and 和安村委会 are in the same town: 和安 alone could be either."""
    town = [d for d in matcher.by_level["village"] if d.name == "和安村委会"][0].parent
    with pytest.raises(DivisionAmbiguous) as raised:
        matcher.match(county=town.parent.name, town=town.name, village="和安")
    assert {d.name for d in raised.value.candidates} == {"和安村委会", "和安社区居委会"}
    assert matcher.match(county=town.parent.name, town=town.name, village="和安村").name == "和安村委会"
    assert matcher.match(county=town.parent.name, town=town.name, village="和安社区").name == "和安社区居委会"


def test_village_in_another_county_is_not_found(matcher):
    with pytest.raises(DivisionNotFound):
        matcher.match(county="赤坎区", village="特呈村")


def test_town_name_shared_by_two_counties_needs_the_county(matcher):
    towns = {}
    for town in matcher.by_level["town"]:
        towns.setdefault(town.name, []).append(town)
    name, shared = next((n, ds) for n, ds in towns.items() if len(ds) > 1)
    with pytest.raises(DivisionAmbiguous):
        matcher.match(town=name)
    assert matcher.match(county=shared[0].parent.name, town=name) == shared[0]


def test_place_written_in_one_cell_is_split_into_division_and_address(matcher):
    division, rest = matcher.match_text("广东省湛江市赤坎区中华街道南方社区民主路12号")
    assert division.code == "440802001001"
    assert rest == "民主路12号"
    division, rest = matcher.match_text("霞山区特呈村3巷")
    assert division.name == "特呈村委会" and rest == "3巷"


def _workbook(rows, merges=()) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


COLUMNS = [
    Column("seq", ("序号",)),
    Column("name", ("姓名", "儿童姓名"), required=True),
    Column("id_number", ("公民身份号码", "身份证号"), required=True),
    Column("county", ("县(市、区)", "现居住地县(市、区)")),
    Column("town", ("镇(街道)", "现居住地镇(街道)")),
    Column("village", ("村(居)", "现居住地村(居)")),
    Column("residence", ("现居住地",)),
    Column("hukou_county", ("户籍地县(市、区)",)),
    Column("hukou_town", ("户籍地镇(街道)",)),
]


def test_header_found_under_title_rows_and_blank_and_note_rows_skipped():
    book = _workbook([
        ["赤坎区农村留守儿童台账"],
        ["填报单位：中华街道", None, None, "日期：2024年5月"],
        [],
        ["序号", " 儿童 姓名 ", "身份证号*", "县（市、区）"],
        [1, "张三", "x", "赤坎区"],
        [2, None, None, None],
        [None, None, None, None],
        [3, "李四", "y", None],
        ["填表人：王五", None, None, None],
    ], merges=["A1:D1", "A9:D9"])
    sheet = read_sheet(book, COLUMNS)
    assert sheet.header_row == 4
    assert sheet.headers["name"] == "儿童 姓名"
    assert [r.number for r in sheet.rows] == [5, 8]
    assert sheet.skipped == [9]


def test_grouped_headers_over_a_second_row_and_merged_data_cells():
    """户籍地 and 现居住地 each over 县/镇/村; siblings share merged place cells."""
    book = _workbook([
        ["姓名", "身份证号", "户籍地", None, "现居住地", None, None],
        [None, None, "县（市、区）", "镇（街道）", "县（市、区）", "镇（街道）", "村（居）"],
        ["张三", "x", "雷州市", "附城镇", "赤坎区", "中华街道", "南方社区"],
        ["张四", "y", None, None, None, None, None],
    ], merges=["A1:A2", "B1:B2", "C1:D1", "E1:G1", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:G4"])
    sheet = read_sheet(book, COLUMNS)
    assert sheet.header_row == 1
    assert [r.number for r in sheet.rows] == [3, 4]
    assert [(r.values["hukou_county"], r.values["county"], r.values["village"]) for r in sheet.rows] == [
        ("雷州市", "赤坎区", "南方社区"), ("雷州市", "赤坎区", "南方社区")]


def test_missing_required_column_is_named():
    book = _workbook([["姓名", "县区", "镇街"], ["张三", "赤坎", "中华"]])
    with pytest.raises(SheetError, match="公民身份号码"):
        read_sheet(book, COLUMNS)


def test_a_file_that_is_not_xlsx_gets_a_clear_error():
    with pytest.raises(SheetError, match="xlsx"):
        read_sheet(io.BytesIO(b"name,id\n"), COLUMNS)


@pytest.mark.parametrize("town", ["湛江奋勇高新技术产业开发区", "奋勇高新技术产业开发区"])
def test_town_whose_name_starts_with_the_city(matcher, town):
    assert matcher.match(town=town).name == "湛江奋勇高新技术产业开发区"


def test_village_whose_name_starts_with_the_province(matcher):
    assert matcher.match(county="雷州市", village="广东省雷州盐场社区").name == "广东省雷州盐场社区"
