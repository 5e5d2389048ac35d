"""A small dataset whose November 2026 figures are worked out by hand (see test_figures.py)."""

import datetime

import pytest

from accounts.dates import SHANGHAI
from activities.models import ContractYear
from activities.tests.factories import ActivityFactory
from cases.models import Case, Incident, ServiceRecord, ServiceType
from children.models import Child, RiskAssessment, RiskLevel
from children.tests.factories import ChildFactory
from visits.models import Visit

D = datetime.date
TANGZHUI_VILLAGE = "440883107206"  # 吴川市塘㙍镇塘㙍村委会


def sh(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def assessment(child, by, on, level, proposed=None):
    return RiskAssessment.objects.create(
        child=child, occasion="periodic", assessed_on=on, score_family=1, score_care=1, score_schooling=0,
        score_health=0, score_economy=1, score_safety=0, total_score=3, proposed_level=proposed or level,
        confirmed_level=level, next_reassessment_on=on + datetime.timedelta(days=90), assessed_by=by)


def make_dataset(worker, suffix=""):
    """Five children, four visits, three cases, an incident, two activities (figures in test_figures.py)."""
    H, MH, ML, L = RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH, RiskLevel.MEDIUM_LOW, RiskLevel.LOW
    a = ChildFactory(name=f"甲{suffix}", risk_level=H, sex="F", birth_date=D(2015, 3, 1), created_at=sh(2026, 10, 1))
    b = ChildFactory(name=f"乙{suffix}", risk_level=MH, sex="M", birth_date=D(2010, 12, 1), residence_id=TANGZHUI_VILLAGE,
                     created_at=sh(2026, 11, 30, 23, 59))
    ChildFactory(name=f"丙{suffix}", risk_level=L, birth_date=D(2021, 6, 1), created_at=sh(2026, 12, 1, 0, 0))
    d = ChildFactory(name=f"丁{suffix}", risk_level=ML, sex="M", birth_date=D(2009, 11, 30), residence_id="440882001001",
                     created_at=sh(2026, 5, 1), status=Child.Status.EXITED,
                     exit_reason=Child.ExitReason.MOVED_AWAY, exited_on=D(2026, 11, 15))
    e = ChildFactory(name=f"戊{suffix}", risk_level=MH, birth_date=D(2012, 1, 1), created_at=sh(2026, 4, 1),
                     status=Child.Status.EXITED, exit_reason=Child.ExitReason.TURNED_16, exited_on=D(2026, 12, 1))
    # risk assessments: a raised MH → H in November; e lowered H → MH in October (outside)
    assessment(a, worker, D(2026, 10, 1), MH)
    assessment(a, worker, D(2026, 11, 3), H)
    assessment(e, worker, D(2026, 6, 1), H)
    assessment(e, worker, D(2026, 10, 20), MH)
    for child, kind, on, minutes, level in [(a, "home", D(2026, 11, 30), 60, H), (b, "phone", D(2026, 11, 1), 30, MH),
                                            (a, "home", D(2026, 10, 31), 45, MH), (e, "school", D(2026, 12, 1), 20, MH)]:
        Visit.objects.create(child=child, type=kind, visited_on=on, duration_minutes=minutes, child_seen=True,
                             risk_level=level, recorded_by=worker)
    case_a = Case.objects.create(child=a, worker=worker, stage=Case.Stage.INTERVENTION, opened_on=D(2026, 11, 10))
    Case.objects.create(child=d, worker=worker, stage=Case.Stage.CLOSED, opened_on=D(2026, 6, 1),
                        closed_on=D(2026, 11, 20))
    Case.objects.create(child=b, worker=worker, stage=Case.Stage.INTAKE, opened_on=D(2026, 12, 1))
    companionship = ServiceType.objects.get(code="companionship")
    for on, minutes in [(D(2026, 11, 11), 90), (D(2026, 11, 12), 30), (D(2026, 12, 1), 60)]:
        ServiceRecord.objects.create(case=case_a, service_type=companionship, served_on=on, duration_minutes=minutes,
                                     participants=["child"], content="陪伴", result="稳定", created_by=worker)
    Incident.objects.create(situations=["alone", "injury"], child=a, discovered_at=sh(2026, 11, 5, 10, 0),
                            place_id="440802001001", reporter_kind="self", reported_by=worker,
                            reported_at=sh(2026, 11, 5, 10, 30))
    ActivityFactory(starts_at=sh(2026, 11, 30, 23, 59), organiser=worker, other_children_count=20)
    ActivityFactory(starts_at=sh(2026, 12, 1, 0, 0), organiser=worker, other_children_count=5)
    return {"a": a, "b": b, "d": d, "e": e}


@pytest.fixture
def contract(db):
    return ContractYear.objects.create(name="2026年度服务合同", signed_on=D(2026, 3, 15))


@pytest.fixture
def dataset(contract, worker):
    return make_dataset(worker)
