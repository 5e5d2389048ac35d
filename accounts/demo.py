"""Demo users, one per role (names fixed: docs/architecture.md), and a team that meets the staffing rules."""

import os

from divisions.models import Division

from .models import Role, StaffProfile, User

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
    return f"{len(DEMO_USERS)} users"
