"""The registry's stored counts per town (children.tally, issue 17): after every kind of change the facet
counts summed from them are those counted over the children, for every user who sees children by area;
the list reads them with one query whatever the number of children."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from children import filters
from children.filters import ChildFilterForm, facet_counts
from children.models import Category, Child, ChildCategory, RegistryTally
from children.tasks import recount_registry_tally
from children.tests.factories import ChildCategoryFactory, ChildFactory
from divisions.models import Division

from .importing_helpers import HEADERS, make_id, to_xlsx

pytestmark = pytest.mark.django_db

LIST = reverse("children:list")
CHIKAN_VILLAGE, CHIKAN_OTHER_TOWN_VILLAGE, LEIZHOU_VILLAGE = "440802001001", "440802002001", "440882001001"

FILTERS = [
    {}, {"risk": "high"}, {"risk": "none"}, {"status": "exited"}, {"status": "all"}, {"stage": "primary"},
    {"category": "left_behind"}, {"category": "left_behind", "risk": "medium_high", "status": "all"},
    {"place": "440802"}, {"place": "440802001"}, {"place": "440882", "stage": "primary"}, {"place": "440800"},
    {"place": "440823"},
]


def counted(user, params) -> dict:
    """The facet counts as counted over the children (the tally bypassed)."""
    original = filters.tally_areas
    filters.tally_areas = lambda user, data: None
    try:
        return facet_counts(user, ChildFilterForm(params))
    finally:
        filters.tally_areas = original


def assert_tally_right(users):
    for user in users:
        for params in FILTERS:
            form = ChildFilterForm(params)
            assert form.is_valid(), form.errors
            assert filters.tally_areas(user, form.cleaned_data) is not None, (user, params)
            assert facet_counts(user, ChildFilterForm(params)) == counted(user, params), (user.username, params)


@pytest.fixture
def suixi_village():
    return Division.objects.filter(code__startswith="440823", level=Division.Level.VILLAGE).first().code


@pytest.fixture
def registry(suixi_village):
    children = [
        ChildFactory(risk_level="high", school_stage="primary"),
        ChildFactory(risk_level="", school_stage="junior"),
        ChildFactory(residence_id=CHIKAN_OTHER_TOWN_VILLAGE, risk_level="low", school_stage="primary"),
        ChildFactory(residence_id=LEIZHOU_VILLAGE, risk_level="medium_high", school_stage="primary"),
        ChildFactory(residence_id=suixi_village, risk_level="high", school_stage=""),
        ChildFactory(residence_id="440802", risk_level="low"),  # recorded at county level only
        ChildFactory(status=Child.Status.EXITED, exit_reason="age", exited_on=datetime.date(2026, 1, 1)),
    ]
    for child in children[:4]:
        ChildCategoryFactory(child=child)
    ChildCategoryFactory(child=children[0], category=Category.objects.exclude(code="left_behind").first())
    return children


def test_the_tally_matches_the_children_after_every_kind_of_change(registry, lead, bureau, supervisor,
                                                                    county_bureau, suixi_village):
    users = [lead, bureau, supervisor, county_bureau]
    assert_tally_right(users)
    high, ungraded, other_town, leizhou, suixi, county_level, exited = registry

    ungraded.risk_level = "medium_low"  # a risk level, through save()
    ungraded.save()
    leizhou.residence_id = suixi_village  # moved to another county
    leizhou.save()
    other_town.status, other_town.exit_reason, other_town.exited_on = Child.Status.EXITED, "age", datetime.date(
        2026, 11, 1)
    other_town.save()
    exited.school_stage = "senior"
    exited.save()
    assert_tally_right(users)

    ChildCategory.objects.get(child=high, category__code="left_behind").delete()  # a tag removed
    ChildCategoryFactory(child=suixi)  # and one added
    county_level.delete()
    assert_tally_right(users)

    fresh = Child.objects.get(pk=high.pk)  # loaded, changed, saved again
    fresh.school_stage = "junior"
    fresh.save()
    partial = Child.objects.only("pk", "name").get(pk=suixi.pk)  # deferred fields are not fetched for the tally
    partial.name = "改名"
    partial.save()
    assert_tally_right(users)
    assert RegistryTally.objects.filter(category="").count() > 0


def test_a_ledger_import_is_counted(tmp_path, lead):
    rows = [[n, f"张{n}", "女", make_id(datetime.date(2014, 6, 15), n), None, "赤坎区", "中华街道", "南方社区",
             "农村留守儿童"] for n in (1, 2, 3)]
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(to_xlsx([HEADERS, *rows]).getvalue())
    call_command("import_children", str(path), stdout=io.StringIO())  # bulk_create: no post_save
    assert Child.objects.count() == 3
    assert facet_counts(lead, ChildFilterForm({}))["total"] == 3
    assert_tally_right([lead])


def test_writes_without_signals_are_caught_by_the_beat_task(registry, lead):
    Child.objects.filter(risk_level="high").update(risk_level="low")  # QuerySet.update(): no signal
    assert facet_counts(lead, ChildFilterForm({}))["risk"].get("high") == 2  # not seen yet
    assert "tally rows" in recount_registry_tally()
    assert_tally_right([lead])
    assert facet_counts(lead, ChildFilterForm({}))["risk"].get("high") is None


def test_a_rolled_back_change_leaves_the_tally_as_it_was(registry, lead):
    from django.db import transaction

    before = facet_counts(lead, ChildFilterForm({}))
    with pytest.raises(RuntimeError), transaction.atomic():
        ChildFactory(risk_level="high")
        raise RuntimeError
    assert facet_counts(lead, ChildFilterForm({})) == before
    assert_tally_right([lead])


@pytest.mark.parametrize("params", [{"q": "测试"}, {"worker": "x"}, {"age_min": 3}, {"age_max": 0}, {"benefit_gap": "on"},
                                    {"reassess": "due"}, {"place": CHIKAN_VILLAGE}, {"entered_from": "2026-01-01"},
                                    {"exited_to": "2026-11-30"}, {"visit": "missed"}])
def test_filters_the_tally_cannot_answer_are_counted_over_the_children(lead, worker, params):
    if "worker" in params:
        params = {"worker": worker.pk}
    form = ChildFilterForm(params)
    assert form.is_valid(), form.errors
    assert filters.tally_areas(lead, form.cleaned_data) is None


def test_a_worker_is_counted_over_the_children(registry, worker):
    """A worker sees their area and their own caseload wherever it lives: not an area sum."""
    form = ChildFilterForm({})
    assert form.is_valid()
    assert filters.tally_areas(worker, form.cleaned_data) is None
    assert facet_counts(worker, ChildFilterForm({})) == counted(worker, {})


def _fill(n):
    for _ in range(n):
        ChildCategoryFactory(child=ChildFactory(school_stage="primary"))


def test_the_unfiltered_list_reads_the_tally_with_one_query_whatever_the_size(client_for, lead,
                                                                               django_assert_num_queries):
    client = client_for(lead)
    _fill(3)
    client.get(LIST)  # warm caches that are not per request (content types, the policy row)
    cache.clear()  # and the counts kept a minute per user (accounts.countcache)
    # Session, user, savepoint and release around the idle-timeout session update, the tally (one query
    # for every facet and the page count), the page's keys, its children, their categories, their reassessment
    # dates, the bell count, the county options of the place picker, the category options, the worker
    # options. (The grouped counts over the children were two queries.)
    with django_assert_num_queries(13):
        small = client.get(LIST)
    _fill(40)
    cache.clear()
    with django_assert_num_queries(13):
        large = client.get(LIST)
    assert small.context["page"].paginator.count == 3 and large.context["page"].paginator.count == 43
    assert "（43）" in large.content.decode()
