"""Ledgers built in the tests with openpyxl (no binary fixtures committed)."""

import datetime
import io

from openpyxl import Workbook

from children import idnumber

HEADERS = ["序号", "姓名", "性别", "公民身份号码", "出生日期", "县（市、区）", "镇（街道）", "村（居）", "儿童类别",
           "监护人", "与儿童关系", "监护人电话", "父亲姓名", "父亲状况", "父亲务工地", "母亲姓名", "母亲状况",
           "就学情况"]


def make_id(born: datetime.date, n: int, sex: str = "F", region: str = "440802") -> str:
    return idnumber.make(region, born, n, sex)


def to_xlsx(rows, merges=(), number_formats=None) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for merge in merges:
        sheet.merge_cells(merge)
    for cell, fmt in (number_formats or {}).items():
        sheet[cell].number_format = fmt
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def messy_ledger():
    """A ledger as it arrives from a village: 2 title rows (merged), the header, 32 children with every
    kind of mess, blank rows, 序号 on empty rows, siblings sharing merged cells, and a signature line.

    Returns (xlsx file, expected) where expected maps ID number → what the record must hold."""
    born = datetime.date(2014, 6, 15)
    rows = [
        ["湛江市农村留守儿童和困境儿童台账"] + [None] * (len(HEADERS) - 1),
        ["填报单位（盖章）：", None, None, None, None, None, None, None, "填报日期：2024年5月", None],
        HEADERS,
    ]
    expected = {}

    def add(n, name, sex, id_number, birth, county, town, village, categories, *, expect, guardian="",
            relation="", phone="", father=("", "", ""), mother=("", ""), school=""):
        rows.append([n, name, sex, id_number, birth, county, town, village, categories, guardian, relation, phone,
                     *father, *mother, school])
        expected[idnumber.normalise(id_number).lstrip("'")] = expect

    chikan = ("赤坎区", "中华街道", "南方社区居民委员会")
    # 1-4: dates in every form (real date, serial, 2015.3.1, 2015年3月1日), the place written out in full
    d = datetime.date(2015, 3, 1)
    for i, birth in enumerate([d, 42064, "2015.3.1", "2015年3月1日"], start=1):
        add(i, f"陈{'一二三四'[i - 1]}", "女", make_id(d, i), birth, *chikan, "农村留守儿童",
            expect={"birth_date": d, "residence": "440802001001", "categories": {"left_behind"}})
    # 5-6: date text with dashes and slashes, county without 区, community without 居民委员会
    for i, birth in enumerate(["2015-03-01", "2015/3/1"], start=5):
        add(i, f"林{i}", "女", make_id(d, i), birth, "赤坎", "中华", "南方社区", "留守儿童",
            expect={"birth_date": d, "residence": "440802001001"})
    # 7: birth date left empty (taken from the ID number), sex left empty
    add(7, "黄七", "", make_id(born, 7, "M"), None, *chikan, "孤儿",
        expect={"birth_date": born, "sex": "M", "categories": {"orphan"}})
    # 8: lowercase x and stray spaces inside the ID number; the check digit of this one is X
    number = next(make_id(born, n) for n in range(100) if make_id(born, n).endswith("X"))
    add(8, " 吴 八 ", "女", f" {number[:6]} {number[6:-1]}x ", born, *chikan, "农村留守儿童",
        expect={"name": "吴八", "id_number": number})
    # 9: full-width digits in the ID number, the phone and the date
    number = make_id(born, 9)
    add(9, "郑九", "女", full_width(number), full_width("2014-06-15"), *chikan, "农村留守儿童",
        guardian="郑老九", relation="祖父", phone=full_width("13800138009"),
        expect={"guardian_phone": "13800138009", "guardian_relation": "grandparent"})
    # 10: ideographic spaces around the name, a phone with spaces and +86
    add(10, "\u3000王十\u3000", "女", make_id(born, 10), born, *chikan, "农村留守儿童",
        guardian="王大", relation="奶奶", phone="+86 138 0013 8010", expect={"name": "王十",
                                                                        "guardian_phone": "13800138010"})
    # 11-14: 雷州 with and without 市, a village without 村委会, a town without 镇
    for i, (county, town, village) in enumerate([("雷州市", "白沙镇", "麻扶村委会"), ("雷州", "白沙", "麻扶村"),
                                                 ("雷州市", "白沙镇", "麻扶"), (" 雷州 市 ", "白沙镇", "麻扶村民委员会")],
                                                start=11):
        add(i, f"李{i}", "女", make_id(born, i, region="440882"), born, county, town, village, "农村留守儿童",
            father=("李父", "外出务工", "广东省深圳市"), mother=("某母", "在家"),
            expect={"residence": "440882100201", "parents": {"father": "working_away", "mother": "at_home"}})
    # 15-16: 遂溪县 written as 遂溪, a village written as 王爱村 (王爱村民委员会)
    for i in (15, 16):
        add(i, f"何{i}", "女", make_id(born, i, region="440823"), born, "遂溪", "黄略镇", "王爱村", "困难家庭儿童",
            expect={"residence": "440823101200", "categories": {"poor_family"}})
    # 17: several categories with mixed separators
    add(17, "周十七", "女", make_id(born, 17), born, *chikan, "农村留守儿童，重残儿童", school="小学",
        expect={"categories": {"left_behind", "severe_disability"}, "school_stage": "primary"})
    add(18, "周十八", "女", make_id(born, 18), born, *chikan, "事实无人抚养儿童、困难家庭儿童",
        expect={"categories": {"unsupported", "poor_family"}})
    # 19-22: four siblings sharing merged place, guardian and phone cells
    first_sibling_row = len(rows) + 1
    for i in range(19, 23):
        merged = i == 19
        add(i, f"梁{i}", "女", make_id(born, i), born, *(chikan if merged else (None, None, None)),
            "农村留守儿童", guardian="梁爷爷" if merged else None, relation="祖父" if merged else None,
            phone="13800138019" if merged else None,
            expect={"residence": "440802001001", "guardian_name": "梁爷爷", "guardian_phone": "13800138019"})
    last_sibling_row = len(rows)
    merges = [f"{col}{first_sibling_row}:{col}{last_sibling_row}" for col in "FGHJKL"]
    # a blank row, then a numbered empty row (序号 filled in advance)
    rows.append([None] * len(HEADERS))
    rows.append([99] + [None] * (len(HEADERS) - 1))
    # 23-26: 霞山区特呈村 (村委会 dropped), town left out but the village is unique in the county
    for i in range(23, 27):
        add(i, f"蔡{i}", "女", make_id(born, i, region="440803"), born, "霞山区", "", "特呈村", "农村留守儿童",
            expect={"residence": "440803002200"})
    # 27-28: 调顺 village (村民委员会) of 调顺街道 written 调顺村, a dash date with time
    for i in (27, 28):
        add(i, f"邓{i}", "女", make_id(born, i), "2014-06-15 00:00:00", "赤坎区", "调顺街道", "调顺村", "农村留守儿童",
            expect={"residence": "440802006200"})
    # 29-30: boys; sex written 男性
    for i in (29, 30):
        add(i, f"罗{i}", "男性", make_id(born, i, "M"), born, *chikan, "农村留守儿童", expect={"sex": "M"})
    # 31-32: the ID number typed as text with a leading apostrophe guard, 20140615 as digits
    add(31, "谢三一", "女", "'" + make_id(born, 31), 20140615, *chikan, "农村留守儿童", expect={})
    add(32, "谢三二", "女", make_id(born, 32), "20140615", *chikan, "农村留守儿童", expect={})
    rows.append([None] * len(HEADERS))
    rows.append(["填表人：张社工", None, None, None, None, None, None, "审核人："])
    signature = len(rows)
    merges += [f"A1:{chr(64 + len(HEADERS))}1", f"A{signature}:G{signature}"]
    return to_xlsx(rows, merges), expected
