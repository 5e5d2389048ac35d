"""摸底排查 coverage: one record per village survey, counts that add up, a table county → town → village."""

import pytest
from django.urls import reverse

from evaluation.models import Screening

pytestmark = pytest.mark.django_db

VILLAGE = "440802001001"
TOWN = "440802001"


def form(worker, **overrides):
    data = {"village_county": "440802", "village_town": TOWN, "village_village": VILLAGE,
            "started_on": "2026-03-02", "ended_on": "2026-03-04", "surveyors": [worker.pk], "others": "村儿童主任",
            "screened": "40", "entered": "12", "not_eligible": "20", "already_registered": "5", "moved_away": "2",
            "declined": "1", "other_reason": "0", "note": ""}
    data.update(overrides)
    return data


def test_worker_records_a_village_screening(client_for, worker):
    response = client_for(worker).post(reverse("evaluation:screening_create"), form(worker))
    screening = Screening.objects.get()
    assert response.status_code == 302 and response.url == screening.get_absolute_url()
    assert (screening.village_id, screening.screened, screening.entered, list(screening.surveyors.all())) == (
        VILLAGE, 40, 12, [worker])


def test_counts_that_do_not_add_up_are_refused(client_for, worker):
    response = client_for(worker).post(reverse("evaluation:screening_create"), form(worker, declined="3"))
    assert "应等于排查儿童数" in str(response.context["form"].errors)
    assert not Screening.objects.exists()


def test_the_same_village_and_day_twice_is_refused(client_for, worker):
    client_for(worker).post(reverse("evaluation:screening_create"), form(worker))
    response = client_for(worker).post(reverse("evaluation:screening_create"), form(worker))
    assert "已经登记过" in str(response.context["form"].errors)
    assert Screening.objects.count() == 1


def test_a_town_is_not_a_village(client_for, worker):
    response = client_for(worker).post(reverse("evaluation:screening_create"), form(worker, village_village=""))
    assert "请选择开展摸排的村" in str(response.context["form"].errors)
    assert not Screening.objects.exists()


def test_coverage_table_counts_villages_by_town_and_county(client_for, worker, lead):
    client_for(worker).post(reverse("evaluation:screening_create"), form(worker))
    client_for(worker).post(reverse("evaluation:screening_create"), form(worker, started_on="2026-09-01",
                                                                         ended_on="2026-09-01"))
    response = client_for(lead).get(reverse("evaluation:screening_list") + f"?town={TOWN}")
    chikan = next(c for c in response.context["counties"] if c["division"].code == "440802")
    town = next(t for t in chikan["towns"] if t["division"].code == TOWN)
    assert (town["surveyed"], town["screened"], town["entered"]) == (1, 80, 24)
    assert town["villages"] >= 1 and chikan["villages"] >= town["villages"] and chikan["surveyed"] == 1
    villages = dict((v.code, rounds) for v, rounds in response.context["villages"])
    assert len(villages[VILLAGE]) == 2


def test_coverage_table_query_count_does_not_grow(client_for, lead, worker, django_assert_num_queries):
    for day in ("2026-03-02", "2026-04-02", "2026-05-02"):
        client_for(worker).post(reverse("evaluation:screening_create"), form(worker, started_on=day, ended_on=day))
    client = client_for(lead)
    client.get(reverse("evaluation:screening_list"))  # the first request after signing in writes the session
    # session, user, the savepoint pair, villages per town, screenings per town, the counties and towns,
    # notifications
    with django_assert_num_queries(8):
        client.get(reverse("evaluation:screening_list"))


def test_permissions(client_for, worker, other_worker, bureau, outsider, county_bureau):
    client_for(worker).post(reverse("evaluation:screening_create"), form(worker))
    screening = Screening.objects.get()
    assert client_for(other_worker).get(screening.get_absolute_url()).status_code == 200
    assert client_for(other_worker).post(reverse("evaluation:screening_edit", args=[screening.pk]),
                                         form(other_worker)).status_code == 403
    assert client_for(bureau).get(screening.get_absolute_url()).status_code == 200
    assert client_for(bureau).post(reverse("evaluation:screening_create"), form(worker)).status_code == 403
    assert client_for(outsider).get(screening.get_absolute_url()).status_code == 404
    assert client_for(county_bureau).get(screening.get_absolute_url()).status_code == 404
    assert Screening.objects.count() == 1
