"""Synthetic children at city scale, for benchmarks and load tests: valid ID numbers, real villages.

Every generated row goes through the ledger importer's checks, so the data is exactly what an
import could have produced. `--xlsx FILE` writes the rows as a ledger instead of saving them.
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.fields import blind_index
from children import idnumber
from children.importing import COLUMN_HEADERS, Sheet, SheetRow, plan_sheet, save_plan
from children.models import Child
from divisions.models import Division

SURNAMES = "陈李黄林张吴梁王刘杨何周郑谢罗邓蔡许庞莫钟冯欧阳曾苏彭韦庄洪詹"
GIVEN = "小子梓思雨欣浩宇俊杰嘉文晓明华丽婷敏志伟佳怡家豪诗涵振国秀英海燕春梅建军"
WORK_PLACES = ["广东省深圳市", "广东省广州市", "广东省东莞市", "广东省佛山市", "浙江省杭州市", "上海市", "福建省厦门市",
               "海南省海口市", "广西壮族自治区南宁市"]
KEYS = ["name", "sex", "id_number", "birth_date", "county", "town", "village", "address", "categories",
        "guardian_name", "guardian_relation", "guardian_phone", "father_name", "father_situation", "father_work_place",
        "father_phone", "mother_name", "mother_situation", "mother_work_place", "school_stage", "school_name", "grade",
        "economy"]


def _stage(age: int) -> tuple[str, str]:
    if age < 3:
        return "未入园", ""
    if age < 6:
        return "幼儿园", "中班"
    if age < 12:
        return "小学", f"{age - 5}年级"
    if age < 15:
        return "初中", f"初{'一二三'[age - 12]}"
    return "高中", f"高{'一二三'[min(age - 15, 2)]}"


def synthetic_rows(count: int, *, seed: int = 2026, today: datetime.date | None = None,
                   taken: set[str] | None = None):
    """`count` ledger rows (dicts keyed like the template's columns) of children living in real
    villages of 湛江, with ID numbers valid under GB 11643 and unique (also against `taken`)."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    villages = list(Division.objects.filter(level=Division.Level.VILLAGE).values_list("code", "name"))
    names = dict(Division.objects.exclude(level=Division.Level.VILLAGE).values_list("code", "name"))
    if not villages:
        raise CommandError(_("No villages in the database: run migrate first."))
    taken = set(taken or ())
    for n in range(count):
        code, village = rng.choice(villages)
        sex = rng.choice("MF")
        age_days = rng.randint(200, 16 * 365 - 30)
        born = today - datetime.timedelta(days=age_days)
        while True:
            number = idnumber.make(code[:6], born, rng.randint(0, 99), sex)
            if number not in taken:
                taken.add(number)
                break
        surname = rng.choice(SURNAMES)
        age = (today - born).days // 365
        stage, grade = _stage(age)
        categories = ["农村留守儿童"]
        if rng.random() < 0.15:
            categories.append("困难家庭儿童")
        yield {
            "name": surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            "sex": "男" if sex == "M" else "女",
            "id_number": number,
            "birth_date": born,
            "county": names[code[:6]], "town": names[code[:9]], "village": village,
            "address": f"{rng.randint(1, 30)}巷{rng.randint(1, 60)}号",
            "categories": "、".join(categories),
            "guardian_name": surname + rng.choice(GIVEN) + rng.choice(GIVEN),
            "guardian_relation": rng.choice(["祖父", "祖母", "外祖父", "外祖母"]),
            "guardian_phone": f"13{rng.randint(0, 9)}{n % 100000000:08d}",
            "father_name": surname + rng.choice(GIVEN) + rng.choice(GIVEN),
            "father_situation": "外出务工", "father_work_place": rng.choice(WORK_PLACES),
            "father_phone": f"15{rng.randint(0, 9)}{n % 100000000:08d}",
            "mother_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "mother_situation": "外出务工", "mother_work_place": rng.choice(WORK_PLACES),
            "school_stage": stage, "school_name": f"{village[:2]}{'小学' if stage == '小学' else '学校'}"
            if grade else "", "grade": grade,
            "economy": "低保" if "困难家庭儿童" in categories else "一般",
        }


def write_xlsx(rows, path) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append([COLUMN_HEADERS[key] for key in KEYS])
    count = 0
    for row in rows:
        sheet.append([row[key] for key in KEYS])
        count += 1
    book.save(path)
    return count


def create(rows, *, batch: int = 5000, by=None) -> int:
    """Save the rows through the importer's checks, one transaction per batch."""
    headers = {key: COLUMN_HEADERS[key] for key in KEYS}
    count, chunk = 0, []
    for row in rows:
        chunk.append(SheetRow(number=count + len(chunk) + 2, values=row))
        if len(chunk) == batch:
            count += _save(chunk, headers, by)
            chunk = []
    if chunk:
        count += _save(chunk, headers, by)
    return count


def _save(chunk, headers, by) -> int:
    plan = plan_sheet(Sheet(header_row=1, headers=headers, rows=chunk), by=by)
    if not plan.ok:
        raise CommandError("\n".join(str(p) for p in plan.problems[:20]))
    return len(save_plan(plan, by=by, filename="generate_dataset"))


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (`--help` crashed).
    help = ("Generate synthetic children (valid ID numbers, real villages) for benchmarks.")

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, required=True, help=_("how many children"))
        parser.add_argument("--seed", type=int, default=2026,
                            help=_("random seed: the same seed gives the same children"))
        parser.add_argument("--xlsx", help=_("write a ledger file (.xlsx) instead of saving"))

    def handle(self, *args, children, seed, xlsx=None, **options):
        if children < 1:
            raise CommandError(_("--children must be at least 1."))
        if xlsx:
            count = write_xlsx(synthetic_rows(children, seed=seed), xlsx)
            self.stdout.write(self.style.SUCCESS(_("Wrote %(n)s children to %(file)s.")
                                                 % {"n": count, "file": xlsx}))
            return
        taken = set()
        existing = set(Child.objects.exclude(id_number_index=None).values_list("id_number_index", flat=True))
        rows = (row for row in synthetic_rows(children, seed=seed, taken=taken)
                if blind_index(row["id_number"]) not in existing)
        count = create(rows)
        self.stdout.write(self.style.SUCCESS(_("Generated %(n)s children.") % {"n": count}))
