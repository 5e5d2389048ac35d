"""Every number on the dashboard links to the list behind it, and that list shows as many rows as the number
(issue 15: registry, entries, risk levels, reassessments, 应享未享, visits this month / by county / by type
since the contract year began, children missed by the monthly home visit, cases open and opened, discovery
reports). Followed over HTTP as the lead, the supervisor, the city bureau and a county bureau, whose links
show its county only — also with a discovery report seen in one county about a child of another, which belongs
to the child's county (Incident.objects.visible_to): that county's bureau counts and sees it, the county where it
was seen neither counts nor sees it."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.dates import local_today
from accounts.policy import Role
from cases.models import Case, Incident
from cases.stats import incident_figures
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
    """The rows a list shows, and the residence code of each one's child (or, for a discovery report about a
    child not in the registry, the place where it was seen)."""
    assert response.status_code == 200
    context, view = response.context, response.resolver_match.view_name
    if view in ("children:list", "visits:visit_list", "cases:incident_list"):
        page = context["page"]
        assert page.paginator.count == len(page.object_list)  # small data: one page shows them all
        items = list(page.object_list)
        if view == "cases:incident_list":
            return [incident.child.residence_id if incident.child else incident.place_id for incident in items]
        return [getattr(item, "child", item).residence_id for item in items]
    if view == "cases:list":
        assert context["count"] == len(context["cases"])
        return [case.child.residence_id for case in context["cases"]]
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


def follow_every_number(client, county: str | None = None) -> dict[str, tuple[int, list]]:
    """Open the dashboard, follow every number's link, check the list shows that many rows (and, for a county
    bureau, only its county's); the headline numbers by label with the rows of their lists."""
    response = client.get(reverse("reports:dashboard"))
    page = response.content.decode()
    kinds, headline = set(), {str(label) for label, _value, _url in response.context["headline"]}
    followed = {}
    for label, value, url in every_number(response.context):
        assert url, f"{label}: no link"
        assert f'href="{url}"'.replace("&", "&amp;") in page, label
        listing = client.get(url)
        kinds.add(resolve(urlsplit(url).path).view_name)
        places = rows_of(listing)
        assert len(places) == value, (label, url)
        if county:
            assert all(code.startswith(county) for code in places), (label, places)
        if label in headline:
            followed[label] = (value, places)
    assert kinds == {"children:list", "visits:visit_list", "cases:list", "cases:incident_list"}
    return followed


@pytest.mark.parametrize("persona", ["lead", "supervisor", "bureau", "county_bureau"])
def test_every_number_equals_the_rows_of_the_list_it_links_to(persona, two_counties, request, client_for):
    user = request.getfixturevalue(persona)
    follow_every_number(client_for(user), "440823" if persona == "county_bureau" else None)


@pytest.fixture
def seen_in_chikan_about_a_suixi_child(two_counties, worker):
    """Besides each county's own: a report this month by 赤坎区's worker of a 遂溪县 child seen in 赤坎区, and one
    of a child not in the registry seen in 遂溪县 (it belongs to the place)."""
    child = ChildFactory(residence_id=SUIXI_VILLAGE, risk_level=RiskLevel.LOW)
    now = timezone.now()
    Incident.objects.create(situations=["alone"], child=None, child_description="约八岁男孩", discovered_at=now,
                            place_id=SUIXI_VILLAGE, reporter_kind="self", reported_by=worker, reported_at=now)
    return Incident.objects.create(situations=["alone"], child=child, discovered_at=now, place_id=CHIKAN_VILLAGE,
                                   reporter_kind="self", reported_by=worker, reported_at=now)


@pytest.mark.parametrize("persona, county, reports", [
    ("chikan_bureau", "440802", 1),  # its own child's report only: the Suixi child is not its to count or see
    ("county_bureau", "440823", 3),  # 遂溪县: its own child's, its child's seen in 赤坎区, the unknown child's
    ("bureau", None, 4),
])
def test_a_report_seen_in_one_county_about_a_child_of_another(persona, county, reports, user_factory, request,
                                                              seen_in_chikan_about_a_suixi_child, client_for):
    if persona == "chikan_bureau":
        user = user_factory(Role.COUNTY_BUREAU, ["440802"], "county_bureau_chikan")
    else:
        user = request.getfixturevalue(persona)
    followed = follow_every_number(client_for(user), county)
    assert followed["发现报告"][0] == reports
    assert followed["发现报告"][1].count(SUIXI_VILLAGE) == (0 if persona == "chikan_bureau" else 3)


def test_the_per_county_count_by_place_seen_has_its_list_too(seen_in_chikan_about_a_suixi_child, bureau, client_for):
    """The PDF reports count a county's discovery reports by the place seen (cases.stats.incident_figures); the
    list's `county` filter gives the same rows for the city: the crossing report is 赤坎区's there."""
    today = local_today()
    client = client_for(bureau)
    for county, n in [("440802", 2), ("440823", 2)]:
        url = reverse("cases:incident_list") + f"?reported_from={today.replace(day=1)}&reported_to={today}&county={county}"
        assert len(rows_of(client.get(url))) == n == incident_figures(today.replace(day=1), today, area=county).total


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
