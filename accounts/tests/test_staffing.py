import pytest
from django.urls import reverse

from accounts.models import Role, StaffProfile
from conftest import make_user

pytestmark = pytest.mark.django_db

P, C, E = StaffProfile.Position, StaffProfile.Certificate, StaffProfile.Education


def member(name, position, **kw):
    user = make_user(name, Role.SOCIAL_WORKER)
    defaults = dict(education=E.JUNIOR_COLLEGE, major="社会工作", major_related=True, certificate=C.ASSISTANT,
                    child_service_years=1, difficulty_service_years=1)
    defaults.update(kw)
    return StaffProfile.objects.create(user=user, position=position, **defaults)


@pytest.fixture
def full_team(db):
    member("lead_p", P.LEAD, education=E.BACHELOR, certificate=C.INTERMEDIATE, child_service_years=3)
    member("w1", P.PROJECT_WORKER, difficulty_service_years=2)
    member("w2", P.PROJECT_WORKER, difficulty_service_years=2.5)
    member("w3", P.PROJECT_WORKER)
    member("w4", P.PROJECT_WORKER)
    member("sup", P.SUPERVISOR, difficulty_service_years=5)


def rules(client, lead):
    client.force_login(lead)
    response = client.get(reverse("accounts:team"))
    assert response.status_code == 200
    return {str(r.rule): r for r in response.context["rules"]}


def test_a_complete_team_meets_every_rule(client, lead, full_team):
    results = rules(client, lead)
    assert len(results) == 8
    assert all(r.met for r in results.values()), [(k, r.why) for k, r in results.items() if not r.met]


def test_four_social_workers_are_too_few(client, lead, full_team):
    StaffProfile.objects.get(user__username="w4").delete()
    r = rules(client, lead)["团队至少5名社会工作者"]
    assert not r.met and "4" in r.why


def test_no_intermediate_certificate_is_unmet(client, lead, full_team):
    StaffProfile.objects.filter(user__username="lead_p").update(certificate=C.ASSISTANT)
    results = rules(client, lead)
    assert not results["至少1名持中级社会工作师或以上证书"].met


def test_fewer_than_two_assistant_certificates_is_unmet(client, lead, full_team):
    StaffProfile.objects.filter(position=P.PROJECT_WORKER).update(certificate=C.NONE)
    r = rules(client, lead)["至少2名持助理社会工作师或以上证书"]
    assert not r.met and "1" in r.why


def test_no_bachelor_is_unmet(client, lead, full_team):
    StaffProfile.objects.all().update(education=E.JUNIOR_COLLEGE)
    assert not rules(client, lead)["至少1名本科毕业"].met


def test_lead_with_two_years_is_unmet_and_says_why(client, lead, full_team):
    StaffProfile.objects.filter(position=P.LEAD).update(child_service_years=2)
    r = rules(client, lead)["项目负责人：相关专业本科，3年以上儿童青少年服务经验"]
    assert not r.met and "需3年" in r.why


def test_two_leads_is_unmet(client, lead, full_team):
    member("lead_2", P.LEAD, education=E.BACHELOR, child_service_years=5)
    assert not rules(client, lead)["项目负责人：相关专业本科，3年以上儿童青少年服务经验"].met


def test_worker_without_certificate_is_named(client, lead, full_team):
    StaffProfile.objects.filter(user__username="w3").update(certificate=C.NONE)
    r = rules(client, lead)["项目社工均为相关专业专科以上并持助理社会工作师证"]
    assert not r.met and "w3" in r.why


def test_one_worker_with_two_years_in_difficulty_is_unmet(client, lead, full_team):
    StaffProfile.objects.filter(user__username="w2").update(difficulty_service_years=1.5)
    assert not rules(client, lead)["至少2名项目社工有2年以上困境儿童服务经验"].met


def test_supervisor_with_four_years_is_unmet(client, lead, full_team):
    StaffProfile.objects.filter(position=P.SUPERVISOR).update(difficulty_service_years=4)
    assert not rules(client, lead)["配备1名有5年以上困境儿童服务经验的项目督导"].met


def test_team_page_is_not_for_social_workers(client, worker):
    client.force_login(worker)
    assert client.get(reverse("accounts:team")).status_code == 403


def test_team_page_query_count_does_not_grow(client, lead, full_team, django_assert_num_queries):
    client.force_login(lead)
    client.get(reverse("accounts:team"))
    for i in range(5):
        member(f"extra{i}", P.PROJECT_WORKER)
    # session, user, profiles+users (one join), unread notifications count; savepoint pair of ATOMIC_REQUESTS
    with django_assert_num_queries(6):
        client.get(reverse("accounts:team"))
