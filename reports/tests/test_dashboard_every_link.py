"""Every number on the dashboard links to the list behind it, and that list shows as many rows as the number
(issue 15: registry, entries, risk levels, reassessments, 应享未享, visits this month / by county / by type
since the contract year began, children missed by the monthly home visit, cases open and opened, discovery
reports). Followed over HTTP as the lead, the supervisor, the city bureau and a county bureau, whose links
show its county only."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.dates import local_today
from cases.models import Case, Incident
from children.models import Child, RiskLevel
from children.tests.factories import ChildFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

CHIKAN_VILLAGE, SUIXI_VILLAGE = "440802001001", "440823001001"


def make_county(worker, village, today):
    """In one county: three high/medium-high children (one visited at home this month, two not), a low one,
    a child who entered and left this month; visits this month and earlier; an open and a closed case;
    a discovery report this month and one before it."""
    early = today - datetime.timedelta(days=40)
    high = ChildFactory(residence_id=village, risk_level=RiskLevel.HIGH)
    ChildFactory(residence_id=village, risk_level=RiskLevel.MEDIUM_HIGH)
    ChildFactory(residence_id=village, risk_level=RiskLevel.HIGH)
    low = ChildFactory(residence_id=village, risk_level=RiskLevel.LOW)
    ChildFactory(residence_id=village, status=Child.Status.EXITED, exit_reason=Child.ExitReason.MOVED_AWAY,
                 exited_on=today)
    Child.objects.filter(pk=low.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    for child, kind, on in [(high, Visit.Type.HOME, today), (low, Visit.Type.PHONE, today),
                            (low, Visit.Type.HOME, today), (high, Visit.Type.SCHOOL, early)]:
        Visit.objects.create(child=child, type=kind, visited_on=on, duration_minutes=30, child_seen=True,
                             risk_level=child.risk_level, recorded_by=worker)
    Case.objects.create(child=high, worker=worker, stage=Case.Stage.INTERVENTION, opened_on=today)
    Case.objects.create(child=low, worker=worker, stage=Case.Stage.CLOSED, opened_on=early,
                        closed_on=today - datetime.timedelta(days=5))
    for at in (timezone.now(), timezone.now() - datetime.timedelta(days=40)):
        Incident.objects.create(situations=["alone"], child=high, discovered_at=at, place_id=village,
                                reporter_kind="self", reported_by=worker, reported_at=at)


def rows_of(response) -> list:
    """The rows a list shows, and the residence code of each one's child (or place)."""
    assert response.status_code == 200
    context, view = response.context, response.resolver_match.view_name
    if view in ("children:list", "visits:visit_list"):
        page = context["page"]
        assert page.paginator.count == len(page.object_list)  # small data: one page shows them all
        items = list(page.object_list)
        return [getattr(item, "child", item).residence_id for item in items]
    if view == "cases:list":
        assert context["count"] == len(context["cases"])
        return [case.child.residence_id for case in context["cases"]]
    if view == "cases:incident_list":
        return [incident.place_id for incident in context["incidents"]]
    raise AssertionError(f"a dashboard link to {view}")


def every_number(context) -> list[tuple[str, int, str]]:
    numbers = [(str(label), value, url) for label, value, url in context["headline"]]
    for county in context["counties"]:
        numbers += [(f"{county['name']} total", county["total"], county["url"]),
                    (f"{county['name']} visits", county["visits"], county["visits_url"]),
                    (f"{county['name']} missed", county["missed"], county["missed_url"])]
        numbers += [(f"{county['name']} level {i}", n, url) for i, (n, url) in enumerate(county["levels"])]
    numbers += [(f"type {t['label']}", t["n"], t["url"]) for t in context["visit_types"]]
    return numbers + [("year visits", context["year_visits"], context["year_visits_url"])]


@pytest.fixture
def two_counties(contract, worker):
    today = local_today()
    make_county(worker, CHIKAN_VILLAGE, today)
    make_county(worker, SUIXI_VILLAGE, today)
    return today


@pytest.mark.parametrize("persona", ["lead", "supervisor", "bureau", "county_bureau"])
def test_every_number_equals_the_rows_of_the_list_it_links_to(persona, two_counties, request, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    response = client.get(reverse("reports:dashboard"))
    page = response.content.decode()
    kinds = set()
    for label, value, url in every_number(response.context):
        assert url, f"{label}: no link"
        assert f'href="{url}"'.replace("&", "&amp;") in page, label
        listing = client.get(url)
        kinds.add(resolve(urlsplit(url).path).view_name)
        places = rows_of(listing)
        assert len(places) == value, (label, url)
        if persona == "county_bureau":
            assert all(code.startswith("440823") for code in places), (label, places)
    assert kinds == {"children:list", "visits:visit_list", "cases:list", "cases:incident_list"}


def test_the_numbers_are_not_all_zero_and_a_county_bureau_sees_half(two_counties, lead, county_bureau, client_for):
    """The data above gives each kind of number something to count; the county bureau gets its county's."""
    city = {label: value for label, value, _url in client_for(lead).get(reverse("reports:dashboard")).context["headline"]}
    county = {label: value for label, value, _url
              in client_for(county_bureau).get(reverse("reports:dashboard")).context["headline"]}
    assert all(value for label, value in city.items() if "应享未享" not in label), city  # no benefits here
    assert {label: 2 * n for label, n in county.items()} == city
    assert city["本期纳入"] == 8 and city["期末在册儿童"] == 8  # two left this month: in the entries, not the registry


def test_missed_by_county_names_each_county(two_counties, lead, client_for):
    response = client_for(lead).get(reverse("reports:dashboard"))
    assert {c["code"]: c["missed"] for c in response.context["counties"]} == {"440802": 2, "440823": 2}
    listing = client_for(lead).get(response.context["counties"][1]["missed_url"])
    assert sorted(c.risk_level for c in listing.context["children"]) == ["high", "medium_high"]


def test_a_hand_edited_filter_is_ignored_or_refused_not_a_500(two_counties, lead, client_for):
    client = client_for(lead)
    assert client.get(reverse("cases:list") + "?open_on=yesterday").status_code == 200
    assert client.get(reverse("cases:incident_list") + "?reported_from=x&county=44").status_code == 200
    bad = client.get(reverse("visits:visit_list") + "?visited_from=2026-13-01")
    assert bad.status_code == 200 and bad.context["page"].paginator.count == 0
    refused = client.get(reverse("children:list") + "?entered_from=2026-12-02&entered_to=2026-12-01")
    assert refused.status_code == 200 and refused.context["page"].paginator.count == 0
