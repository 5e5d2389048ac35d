"""Demo children across real villages of several counties (idempotent: keyed by ID number).

赤坎区 for worker1, 雷州市 for worker2, 遂溪县 (the county_bureau's county) and 廉江市 for worker3,
徐闻县 and 吴川市 (incl. 塘㙍镇) for worker4. ID numbers are well formed, with the right check digit.
"""

import datetime

from django.utils import timezone

from accounts.dates import day_start
from accounts.models import User
from divisions.models import Division

from . import idnumber
from .models import Benefit, BenefitEnrolment, Category, Child, Contact, RiskLevel
from .services import create_child, find_by_id_number

# county code, worker, how many children
PLAN = [("440802", "worker1", 8), ("440882", "worker2", 10), ("440823", "worker3", 8), ("440881", "worker3", 4),
        ("440825", "worker4", 4), ("440883", "worker4", 6)]
SURNAMES = "陈李黄林吴梁张王杨何刘周郑谢罗莫曾冯庞"
GIVEN = ["小明", "晓琳", "嘉怡", "俊杰", "雨涵", "子豪", "欣怡", "家乐", "思敏", "浩然", "梓晴", "志强", "诗琪",
         "宇航", "佳慧", "文博", "海燕", "伟豪", "丽君", "振华"]
WORK_PLACES = ["广东省广州市", "广东省深圳市", "广东省东莞市", "广东省佛山市", "浙江省宁波市", "福建省厦门市"]
LEVELS = [RiskLevel.LOW, RiskLevel.MEDIUM_LOW, RiskLevel.MEDIUM_HIGH, RiskLevel.LOW, RiskLevel.HIGH,
          RiskLevel.MEDIUM_LOW]


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def schooling(age: int, village: Division, n: int) -> dict:
    """School stage, school and grade that agree with the child's age (entry at 6 to primary, 12 to junior
    secondary, 15 to senior); one older child in six left junior secondary (the 辍学 follow-up has a case)."""
    S = Child.SchoolStage
    place = village.name[:2]
    if age < 3:
        return {"school_stage": S.NOT_IN_KINDERGARTEN, "school_name": "", "grade": ""}
    if age < 6:
        return {"school_stage": S.KINDERGARTEN, "school_name": f"{place}幼儿园", "grade": "小中大"[age - 3] + "班"}
    if age < 12:
        return {"school_stage": S.PRIMARY, "school_name": f"{place}小学", "grade": f"{age - 5}年级"}
    if age >= 13 and n % 6 == 5:
        return {"school_stage": S.DROPPED_OUT, "school_name": f"{place}中学", "grade": ""}
    if age < 15:
        return {"school_stage": S.JUNIOR, "school_name": f"{place}中学", "grade": "初" + "一二三"[age - 12]}
    return {"school_stage": S.SENIOR, "school_name": f"{place}高级中学", "grade": "高" + "一二三"[min(age - 15, 2)]}


def _villages(county: str, count: int) -> list[Division]:
    villages = list(Division.objects.filter(code__startswith=county, level=Division.Level.VILLAGE).order_by("code"))
    if county == "440883":  # make sure 塘㙍镇 (a CJK Extension A character) is among them
        villages = [v for v in villages if v.code.startswith("440883107")][:2] + villages
    step = max(1, len(villages) // count)
    return villages[::step][:count]


def _contact(village: Division, kind: str, name: str, phone: str) -> Contact:
    contact, _created = Contact.objects.get_or_create(kind=kind, division=village, defaults={"name": name,
                                                                                            "phone": phone})
    return contact


def seed() -> str:
    today = timezone.localdate()
    categories = {c.code: c for c in Category.objects.all()}
    benefits = {b.code: b for b in Benefit.objects.all()}
    made = n = 0
    for county, username, count in PLAN:
        worker = User.objects.filter(username=username).first()
        for village in _villages(county, count):
            n += 1
            sex = "M" if n % 2 else "F"
            # Ages 4–15, and one child per county a few weeks from 16 so the warning list shows something.
            born = today.replace(year=today.year - 4 - (n * 7) % 12) - datetime.timedelta(days=(n * 37) % 300)
            if n % 8 == 0:
                born = today.replace(year=today.year - 16) + datetime.timedelta(days=20 + n)
            number = idnumber.make(village.code[:6], born, n, sex)
            if find_by_id_number(number):
                continue
            surname = SURNAMES[n % len(SURNAMES)]
            name = surname + GIVEN[n % len(GIVEN)]
            director = _contact(village, Contact.Kind.CHILD_DIRECTOR, f"{SURNAMES[(n + 3) % 18]}主任",
                                f"139{n:08d}")
            supervisor = _contact(Division.objects.get(code=village.code[:9]), Contact.Kind.CHILD_SUPERVISOR,
                                  f"{SURNAMES[(n + 5) % 18]}督导", f"137{n:08d}")
            tags = [{"category": categories["left_behind"], "recognised_on": today - datetime.timedelta(days=200),
                     "basis": "摸底排查：父母均在外务工", "review_on": today + datetime.timedelta(days=165 - n)}]
            enrolments = []
            economy = Child.Economy.NONE
            if n % 5 == 0:
                tags.append({"category": categories["poor_family"], "recognised_on": today - datetime.timedelta(days=90),
                             "basis": "低保证"})
                economy = Child.Economy.MINIMUM_LIVING
                enrolments.append({"benefit": benefits["minimum_living"], "status": BenefitEnrolment.Status.RECEIVING,
                                   "started_on": today - datetime.timedelta(days=80), "checked_by": worker,
                                   "checked_on": today - datetime.timedelta(days=30)})
            if n % 7 == 0:
                tags = [{"category": categories["unsupported"], "recognised_on": today - datetime.timedelta(days=60),
                         "basis": "父亲服刑在押，母亲失联超过6个月（民发〔2019〕62号）"}]
            grandmother_age = 62 + n % 15
            child = create_child(
                data={"name": name, "sex": sex, "birth_date": born, "id_number": number, "residence": village,
                      "hukou": village, "address": f"{village.name}{n % 30 + 1}号", "social_worker": worker,
                      "guardian_name": f"{surname}大{'山海林'[n % 3]}", "guardian_relation": Child.GuardianRelation.PARENT,
                      "guardian_phone": f"138{n:08d}", "caregiver_name": f"{SURNAMES[(n + 1) % 18]}秀英",
                      "caregiver_relation": "祖母", "caregiver_age": grandmother_age,
                      "caregiver_health": Child.CaregiverHealth.FAIR if grandmother_age >= 70 else Child.CaregiverHealth.GOOD,
                      "caregiver_phone": f"136{n:08d}", "school_told_in_writing": n % 3 != 0,
                      "village_told_in_writing": True, **schooling(age_on(born, today), village, n),
                      "economy": economy,
                      "risk_level": LEVELS[n % len(LEVELS)], "child_director": director, "child_supervisor": supervisor,
                      "last_verified_on": today - datetime.timedelta(days=n * 3), "source": Child.Source.SURVEY},
                by=worker,
                parents=[{"kind": "father", "name": f"{surname}大{'山海林'[n % 3]}", "situation":
                          "in_prison" if n % 7 == 0 else "working_away", "work_place": WORK_PLACES[n % 6],
                          "away_since": today - datetime.timedelta(days=400 + n * 10), "phone": f"138{n:08d}",
                          "contact_frequency": "weekly" if n % 4 else "monthly",
                          "last_met_on": today - datetime.timedelta(days=60 + n * 11)},
                         {"kind": "mother", "name": f"{SURNAMES[(n + 2) % 18]}美{'玲芳兰'[n % 3]}",
                          "situation": "out_of_contact" if n % 7 == 0 else "working_away",
                          "work_place": WORK_PLACES[(n + 1) % 6], "phone": f"135{n:08d}",
                          "contact_frequency": "weekly"}],
                household=[{"name": f"{SURNAMES[(n + 1) % 18]}秀英", "relation": "祖母",
                            "birth_year": today.year - grandmother_age}],
                categories=tags, enrolments=enrolments)
            # Entered the registry when first recognised, not on the day the demo was loaded: otherwise every
            # past month's report and dashboard showed an empty registry beside months of visits.
            Child.objects.filter(pk=child.pk).update(created_at=day_start(min(t["recognised_on"] for t in tags)))
            made += 1
    from .risk_demo import seed as seed_risk_assessments

    assessments = seed_risk_assessments()
    return f"{made} children added, {Child.objects.count()} in all; {assessments}"
