"""Synthetic children at city scale, for benchmarks and load tests: valid ID numbers, real villages.

Every generated row goes through the ledger importer's checks, so the data is exactly what an
import could have produced. `--xlsx FILE` writes the rows as a ledger instead of saving them.
"""

import datetime
import random
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.fields import blind_index
from children import idnumber
from children.importing import COLUMN_HEADERS, Sheet, SheetRow, plan_sheet, save_plan
from children.models import Child
from divisions.models import Division

# Surnames weighted roughly as in western Guangdong: the commonest (陈) on ~8 % of children, the rarest
# here on ~0.5 %; given-name characters so that the commonest appear in ~5 % of names (issue 17).
SURNAME_WEIGHTS = {"陈": 8, "李": 6, "黄": 6, "林": 5, "张": 4, "吴": 4, "梁": 4, "王": 3.5, "刘": 3.5, "杨": 3,
                   "何": 3, "周": 2.5, "郑": 2.5, "谢": 2.5, "罗": 2, "邓": 2, "蔡": 2, "许": 2, "庞": 2, "莫": 2,
                   "钟": 1.5, "冯": 1.5, "曾": 1.5, "苏": 1.5, "彭": 1.5, "韦": 1, "庄": 1, "洪": 1, "詹": 1, "欧阳": 0.5,
                   "全": 0.5, "揭": 0.5, "麦": 0.5, "戚": 0.5, "符": 0.5, "颜": 0.5, "骆": 0.5, "龙": 0.5, "车": 0.5}
SURNAMES = list(SURNAME_WEIGHTS)
GIVEN_COMMON = "小子梓思雨欣浩宇俊杰嘉文晓明华"
GIVEN_RARE = "丽婷敏志伟佳怡家豪诗涵振国秀英海燕春梅建军翠霞锦煜晨睿泽铭轩瑶琪颖彤妍鑫鹏辉航"
GIVEN = GIVEN_COMMON + GIVEN_RARE
GIVEN_WEIGHTS = [3] * len(GIVEN_COMMON) + [1] * len(GIVEN_RARE)
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
        surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS.values())[0]
        age = (today - born).days // 365
        stage, grade = _stage(age)
        categories = ["农村留守儿童"]
        if rng.random() < 0.15:
            categories.append("困难家庭儿童")
        yield {
            "name": surname + "".join(rng.choices(GIVEN, weights=GIVEN_WEIGHTS, k=rng.choice((1, 2, 2, 2)))),
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
            "mother_name": rng.choices(SURNAMES, weights=SURNAME_WEIGHTS.values())[0] + rng.choice(GIVEN)
            + rng.choice(GIVEN),
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


def generate_history(*, seed: int, visits_per_child: float, today: datetime.date, stdout=None) -> dict[str, int]:
    """Two contract years of work on the children in the registry: visits (about `visits_per_child`
    each, more for higher risk), a case for ~2 % of children, a discovery report for ~1 %, and
    activities in every town. Written with bulk_create (minutes at 100,000 children); the models are
    reached through the app registry, as the registry app imports no app above it."""
    from django.apps import apps

    from accounts.policy import Can
    from accounts.services import users_who_can

    rng = random.Random(seed + 1)
    Visit = apps.get_model("visits", "Visit")
    Case, Incident = apps.get_model("cases", "Case"), apps.get_model("cases", "Incident")
    Activity = apps.get_model("activities", "Activity")
    workers = list(users_who_can(Can.HAVE_CASELOAD).order_by("pk"))
    if not workers:
        raise CommandError(_("No social worker: run seed_demo (or create workers) first."))
    start = today - datetime.timedelta(days=730)
    counts = {"visits": 0, "cases": 0, "incidents": 0, "activities": 0}
    levels = ["low"] * 55 + ["medium_low"] * 25 + ["medium_high"] * 14 + ["high"] * 6
    children = Child.objects.in_registry().order_by("pk").values_list("pk", "residence_id")
    batch_visits, batch_cases, batch_incidents = [], [], []
    assigned: dict[tuple[str, int], list[int]] = {}
    for pk, residence in children.iterator(chunk_size=5000):
        level = rng.choice(levels)
        worker = workers[pk % len(workers)]
        assigned.setdefault((level, worker.pk), []).append(pk)
        n = max(0, round(rng.gauss(visits_per_child * {"low": 0.5, "medium_low": 0.8, "medium_high": 1.6,
                                                          "high": 2.5}[level], 2)))
        for _i in range(n):
            day = start + datetime.timedelta(days=rng.randint(0, 729))
            batch_visits.append(Visit(child_id=pk, type=rng.choice(["home", "home", "home", "phone"]),
                                      visited_on=day, duration_minutes=rng.choice([20, 30, 45, 60]),
                                      child_seen=rng.random() < 0.9, risk_level=level, recorded_by=worker))
        if rng.random() < 0.02:
            batch_cases.append(Case(child_id=pk, worker=worker, opened_by=worker, reason="入户探访发现需要个案服务",
                                    opened_on=start + datetime.timedelta(days=rng.randint(0, 729))))
        if rng.random() < 0.01:
            seen = timezone.make_aware(datetime.datetime.combine(
                start + datetime.timedelta(days=rng.randint(0, 729)), datetime.time(10)))
            batch_incidents.append(Incident(child_id=pk, discovered_at=seen, reported_at=seen, place_id=residence,
                                            description="探访时发现儿童独自在家，无人照料", reported_by=worker,
                                            situations=["neglect"]))
        if len(batch_visits) >= 20000:
            counts["visits"] += len(Visit.objects.bulk_create(batch_visits, batch_size=5000))
            batch_visits = []
            if stdout:
                stdout.write(f"  {counts['visits']} visits")
    counts["visits"] += len(Visit.objects.bulk_create(batch_visits, batch_size=5000))
    counts["cases"] = len(Case.objects.bulk_create(batch_cases, batch_size=2000))
    counts["incidents"] = len(Incident.objects.bulk_create(batch_incidents, batch_size=2000))
    towns = list(Division.objects.filter(level=Division.Level.TOWN).values_list("code", flat=True))
    activities = []
    for town in towns:
        for _i in range(rng.randint(2, 8)):
            when = timezone.make_aware(datetime.datetime.combine(
                start + datetime.timedelta(days=rng.randint(0, 729)), datetime.time(9)))
            worker = rng.choice(workers)
            activities.append(Activity(kind="community_education", topic="safety", title="防溺水安全教育",
                                       status="done", starts_at=when, place_id=town, county_id=town[:6],
                                       organiser=worker, created_by=worker, summary="村委会议室，讲解防溺水知识"))
    counts["activities"] = len(Activity.objects.bulk_create(activities, batch_size=2000))
    # Levels and workers in bulk (the importer leaves both empty); the caller then runs the nightly
    # scheduling so due visits follow the levels and the visits written here.
    for (level, worker_pk), pks in assigned.items():
        for offset in range(0, len(pks), 5000):
            Child.objects.filter(pk__in=pks[offset:offset + 5000]).update(risk_level=level, social_worker_id=worker_pk)
    return counts


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation (`--help` crashed).
    help = ("Generate synthetic children (valid ID numbers, real villages) for benchmarks.")

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, required=True, help=_(
            "how many children (0 with --history: only the history, for the children already there)"))
        parser.add_argument("--seed", type=int, default=2026,
                            help=_("random seed: the same seed gives the same children"))
        parser.add_argument("--xlsx", help=_("write a ledger file (.xlsx) instead of saving"))
        parser.add_argument("--history", action="store_true",
                            help=_("also write two years of visits, cases, discovery reports and activities, "
                                   "set risk levels and workers, and schedule due visits"))
        parser.add_argument("--visits-per-child", type=float, default=10,
                            help=_("average visits per child over the two years (with --history)"))

    def handle(self, *args, children, seed, xlsx=None, history=False, visits_per_child=10, **options):
        if children < 1 and not (children == 0 and history):
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
        count = create(rows) if children else 0
        self.stdout.write(self.style.SUCCESS(_("Generated %(n)s children.") % {"n": count}))
        if history:
            counts = generate_history(seed=seed, visits_per_child=visits_per_child, today=datetime.date.today(),
                                      stdout=self.stdout)
            # The nightly scheduling alone (not the reminders: they would notify every overdue visit).
            import_module("visits.services").refresh_all_due_visits()
            self.stdout.write(self.style.SUCCESS(", ".join(f"{n} {what}" for what, n in counts.items())))
        # Levels were set with update(), which the registry's stored counts do not see (children.tally).
        import_module("children.tally").recount_all()
