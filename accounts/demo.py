"""Demo users, one per role (names fixed: docs/architecture.md), and a team that meets the staffing rules."""

import datetime
import os

from django.utils import timezone

from divisions.models import Division

from .models import Role, StaffProfile, StaffRecord, User

P, C, E = StaffProfile.Position, StaffProfile.Certificate, StaffProfile.Education

# username: (name, role, area codes, staff profile or None)
DEMO_USERS = {
    "worker1": ("陈晓琳", Role.SOCIAL_WORKER, ["440802"],
                dict(position=P.PROJECT_WORKER, education=E.BACHELOR, major="社会工作", major_related=True,
                     certificate=C.INTERMEDIATE, certificate_number="ZJ2021-0831", child_service_years=4,
                     difficulty_service_years=3)),
    "worker2": ("黄志强", Role.SOCIAL_WORKER, ["440882"],
                dict(position=P.PROJECT_WORKER, education=E.JUNIOR_COLLEGE, major="社区管理", major_related=True,
                     certificate=C.ASSISTANT, certificate_number="ZJ2022-1102", child_service_years=2,
                     difficulty_service_years=2)),
    "worker3": ("李嘉怡", Role.SOCIAL_WORKER, ["440823", "440881"],
                dict(position=P.PROJECT_WORKER, education=E.BACHELOR, major="心理学", major_related=True,
                     certificate=C.ASSISTANT, certificate_number="ZJ2023-0415", child_service_years=1,
                     difficulty_service_years=1)),
    "worker4": ("吴俊峰", Role.SOCIAL_WORKER, ["440825", "440883"],
                dict(position=P.PROJECT_WORKER, education=E.JUNIOR_COLLEGE, major="社会学", major_related=True,
                     certificate=C.ASSISTANT, certificate_number="ZJ2023-0977", child_service_years=1.5,
                     difficulty_service_years=1)),
    "lead": ("梁文静", Role.PROJECT_LEAD, [],
             dict(position=P.LEAD, education=E.BACHELOR, major="社会工作", major_related=True,
                  certificate=C.INTERMEDIATE, certificate_number="ZJ2019-0310", child_service_years=6,
                  difficulty_service_years=4)),
    "supervisor": ("莫建华", Role.SUPERVISOR, [],
                   dict(position=P.SUPERVISOR, education=E.MASTER, major="社会工作", major_related=True,
                        certificate=C.SENIOR, certificate_number="GD2015-0021", child_service_years=10,
                        difficulty_service_years=8)),
    "bureau": ("湛江市民政局", Role.BUREAU, [], None),
    "county_bureau": ("遂溪县民政局", Role.COUNTY_BUREAU, ["440823"], None),
    "admin": ("系统管理员", Role.ADMIN, [], None),
}


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", "tonghu-demo-2026")


def seed() -> str:
    password = demo_password()
    for username, (name, role, areas, profile) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": name, "role": role})
        user.full_name, user.role = name, role
        user.is_staff = role in (Role.SUPERVISOR, Role.PROJECT_LEAD, Role.ADMIN)
        user.is_superuser = role == Role.ADMIN
        if created:
            user.set_password(password)
        user.save()
        user.areas.set(Division.objects.filter(code__in=areas))
        if profile:
            StaffProfile.objects.update_or_create(user=user, defaults=profile)
    seed_team_history()
    return f"{len(DEMO_USERS)} users"


HISTORY_FIELDS = ("position", "full_time", "education", "major_related", "certificate", "child_service_years",
                  "difficulty_service_years")


def seed_team_history() -> None:
    """The team's story over the last year (docs/accounts.md, "Team history"): everyone joined at the start;
    a worker who had 3 years with children in difficulty left after five months (an inactive account) and
    worker4 replaced her two weeks later; worker2 passed the assistant certificate in the third month, so
    the rule "every project social worker has an assistant certificate" was broken until then."""
    start = timezone.localdate() - datetime.timedelta(days=365)
    former, _ = User.objects.get_or_create(username="former_worker",
                                           defaults={"full_name": "周美华", "role": Role.SOCIAL_WORKER,
                                                     "is_active": False})
    for username, (_name, _role, _areas, profile) in DEMO_USERS.items():
        if profile is None:
            continue
        user = User.objects.get(username=username)
        values = {f: StaffProfile(**profile, user=user).__dict__[f] for f in HISTORY_FIELDS}
        joined = start
        if username == "worker4":
            joined = start + datetime.timedelta(days=165)
        if username == "worker2":
            StaffRecord.objects.get_or_create(user=user, effective=start, defaults={
                **values, "event": StaffRecord.Event.JOINED, "certificate": StaffProfile.Certificate.NONE,
                "child_service_years": 1, "difficulty_service_years": 1})
            StaffRecord.objects.get_or_create(user=user, effective=start + datetime.timedelta(days=80), defaults={
                **values, "event": StaffRecord.Event.CHANGED, "note": "通过助理社会工作师职业水平考试",
                "child_service_years": 1.2, "difficulty_service_years": 1.2})
            continue
        StaffRecord.objects.get_or_create(user=user, effective=joined,
                                          defaults={**values, "event": StaffRecord.Event.JOINED})
    StaffRecord.objects.get_or_create(user=former, effective=start, defaults=dict(
        event=StaffRecord.Event.JOINED, position=P.PROJECT_WORKER, education=E.BACHELOR, major_related=True,
        certificate=C.ASSISTANT, child_service_years=3, difficulty_service_years=3))
    StaffRecord.objects.get_or_create(user=former, effective=start + datetime.timedelta(days=150), defaults=dict(
        event=StaffRecord.Event.LEFT, note="合同期满离职"))
