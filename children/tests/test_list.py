"""The registry list: search (substring, pinyin, initials, ID number, guardian, phone), filters, facet
counts, sorting, pages, scope and a query count that does not grow with the registry."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from children import idnumber
from children.filters import filtered_children
from children.models import Category
from children.services import record_assessment, record_risk_event
from children.tests.factories import BenefitEnrolmentFactory, ChildCategoryFactory, ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("children:list")
CHIKAN_VILLAGE, CHIKAN_OTHER_TOWN_VILLAGE, LEIZHOU_VILLAGE = "440802001001", "440802002001", "440882001001"
SCORES = {"family": 1, "care": 0, "schooling": 0, "health": 0, "economy": 0, "safety": 0}


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def names(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return sorted(child.name for child in response.context["children"])


def _number_ending_in_x() -> str:
    numbers = (idnumber.make("440802", datetime.date(2015, 3, 1), seq, "M") for seq in range(100))
    return next(n for n in numbers if n.endswith("X"))


@pytest.fixture
def xiaoming(worker):
    return ChildFactory(name="张小明", guardian_name="张建国", guardian_phone="13800138000",
                        id_number=_number_ending_in_x(), sex="M")


# ---------------------------------------------------------------- search

@pytest.mark.parametrize("query", ["zhangxiaoming", "zhang xiao ming", "zxm", "ZXM", "Zhang Xiaoming", "xiaoming",
                                   "张小明", "小明", "张"])
def test_search_finds_a_child_by_name_pinyin_or_initials(client_for, worker, xiaoming, query):
    ChildFactory(name="李华")
    assert names(client_for(worker), q=query) == ["张小明"]


def test_pinyin_search_does_not_match_other_names(client_for, worker, xiaoming):
    ChildFactory(name="赵晓敏")  # zhaoxiaomin, zxm as well
    assert names(client_for(worker), q="zxm") == ["张小明", "赵晓敏"]
    assert names(client_for(worker), q="zhangxiao") == ["张小明"]
    assert names(client_for(worker), q="wang") == []


def test_search_by_id_number_is_exact_through_the_blind_index(client_for, worker, xiaoming):
    client = client_for(worker)
    number = xiaoming.id_number
    assert names(client, q=number) == ["张小明"]
    assert names(client, q=number.lower()) == ["张小明"]  # lowercase x
    assert names(client, q=f" {number[:6]} {number[6:14]} {number[14:]} ") == ["张小明"]
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert names(client, q=full_width) == ["张小明"]
    assert names(client, q=number[:-1] + ("0" if number[-1] != "0" else "1")) == []
    assert names(client, q=number[:10]) == []  # part of a number finds nothing: exact match only


def test_search_by_guardian_caregiver_or_parent_name_only_when_asked_and_by_phone(client_for, worker, xiaoming):
    other = ChildFactory(name="陈静", caregiver_name="黄秀兰", caregiver_phone="0759-3312345")
    ParentFactory(child=other, name="陈志强", phone="13912345678")
    client = client_for(worker)
    assert names(client, q="建国") == []  # a child's name only, unless asked
    assert names(client, q="建国", family="on") == ["张小明"]
    assert names(client, q="秀兰", family="on") == ["陈静"]
    assert names(client, q="陈志强", family="on") == ["陈静"]
    assert names(client, q="陈", family="on") == ["陈静"]
    assert names(client, q="张小明", family="on") == ["张小明"]
    assert names(client, q="138 0013 8000") == ["张小明"]
    assert names(client, q="13912345678") == ["陈静"]
    assert names(client, q="07593312345") == ["陈静"]


# ---------------------------------------------------------------- scope

def test_other_county_worker_never_sees_the_child_even_by_exact_search(client_for, other_worker, xiaoming):
    client = client_for(other_worker)
    ChildFactory(name="雷州孩子", residence_id=LEIZHOU_VILLAGE)
    assert names(client) == ["雷州孩子"]
    for query in ("张小明", "zxm", xiaoming.id_number, "13800138000"):
        assert names(client, q=query) == []
    assert names(client, place=CHIKAN_VILLAGE) == []


def test_worker_sees_their_area_and_their_own_caseload_elsewhere(client_for, worker):
    ChildFactory(name="赤坎孩子")
    ChildFactory(name="雷州孩子", residence_id=LEIZHOU_VILLAGE)
    ChildFactory(name="跟进孩子", residence_id=LEIZHOU_VILLAGE, social_worker=worker)
    assert names(client_for(worker)) == ["赤坎孩子", "跟进孩子"]


def test_county_bureau_sees_only_its_county_and_lead_sees_all(client_for, county_bureau, lead):
    ChildFactory(name="赤坎孩子")
    ChildFactory(name="遂溪孩子", residence_id="440823001001")
    assert names(client_for(county_bureau)) == ["遂溪孩子"]
    assert names(client_for(lead)) == ["赤坎孩子", "遂溪孩子"]


def test_outsider_sees_no_child_and_anonymous_is_sent_to_login(client, client_for, outsider, xiaoming):
    assert names(client_for(outsider)) == []
    client.logout()
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_filtered_children_is_scoped_for_the_export(worker, other_worker, xiaoming):
    children, form = filtered_children(other_worker, {"q": "张小明"})
    assert form.is_valid() and list(children) == []
    children, form = filtered_children(worker, {"q": "zxm"})
    assert list(children) == [xiaoming]


# ---------------------------------------------------------------- filters

def test_filter_by_county_town_and_village(client_for, lead):
    ChildFactory(name="南方", residence_id=CHIKAN_VILLAGE)
    ChildFactory(name="寸金", residence_id=CHIKAN_OTHER_TOWN_VILLAGE)
    ChildFactory(name="雷州", residence_id=LEIZHOU_VILLAGE)
    client = client_for(lead)
    assert names(client, place_county="440802") == ["南方", "寸金"]
    assert names(client, place_county="440802", place_town="440802002") == ["寸金"]
    assert names(client, place_county="440802", place_town="440802001", place_village=CHIKAN_VILLAGE) == ["南方"]


def test_filter_by_category_risk_stage_worker_and_status(client_for, lead, worker):
    left_behind = ChildCategoryFactory(child=ChildFactory(name="留守", school_stage="primary")).child
    ChildCategoryFactory(child=ChildFactory(name="孤儿", risk_level="high", social_worker=worker),
                         category=Category.objects.get(code="orphan"))
    ChildFactory(name="未评级", risk_level="", school_stage="dropped_out")
    ChildFactory(name="已退出", status="exited", exit_reason="turned_16", exited_on=datetime.date(2026, 3, 1))
    client = client_for(lead)
    assert names(client, category="left_behind") == ["留守"]
    assert names(client, risk="high") == ["孤儿"]
    assert names(client, risk="none") == ["未评级"]
    assert names(client, stage="dropped_out") == ["未评级"]
    assert names(client, worker=worker.pk) == ["孤儿"]
    assert "已退出" not in names(client)  # the registry shows children in it unless asked
    assert names(client, status="exited") == ["已退出"]
    assert len(names(client, status="all")) == 4
    # Filters combine: the left-behind child in primary school, and nobody left-behind who dropped out.
    assert names(client, category="left_behind", stage="primary") == [left_behind.name]
    assert names(client, category="left_behind", stage="dropped_out") == []


def test_filter_by_age_range(client_for, lead):
    ChildFactory(name="五岁", birth_date=datetime.date(2021, 6, 1))
    ChildFactory(name="明天十岁", birth_date=datetime.date(2016, 12, 1))  # 9 today
    ChildFactory(name="十岁", birth_date=datetime.date(2016, 11, 30))  # 10 today
    ChildFactory(name="十五岁", birth_date=datetime.date(2011, 1, 1))
    client = client_for(lead)
    assert names(client, age_min=10) == ["十五岁", "十岁"]
    assert names(client, age_max=9) == ["五岁", "明天十岁"]
    assert names(client, age_min=6, age_max=10) == ["十岁", "明天十岁"]


def test_filter_by_benefit_gap(client_for, lead):
    BenefitEnrolmentFactory(child=ChildFactory(name="待落实"), status="entitled")
    BenefitEnrolmentFactory(child=ChildFactory(name="已享受"), status="receiving")
    assert names(client_for(lead), benefit_gap="on") == ["待落实"]


def test_filter_by_overdue_reassessment(client_for, lead, worker):
    never = ChildFactory(name="从未评估")
    fresh = ChildFactory(name="刚评估")
    old = ChildFactory(name="半年前评估")
    after_event = ChildFactory(name="有新情况")
    for child, day in ((fresh, datetime.date(2026, 11, 1)), (old, datetime.date(2026, 5, 15)),
                       (after_event, datetime.date(2026, 10, 1))):
        record_assessment(child=child, by=worker, occasion="intake", assessed_on=day, scores=SCORES, triggers=[],
                          confirmed_level="low")
    record_risk_event(child=after_event, kind="hospital", occurred_on=datetime.date(2026, 11, 20))
    client = client_for(lead)
    assert names(client, reassess="due") == ["从未评估", "半年前评估", "有新情况"]
    assert names(client, reassess="never") == ["从未评估"]
    assert names(client, reassess="soon") == []
    with time_machine.travel(datetime.datetime(2027, 4, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        children, _form = filtered_children(lead, {"reassess": "soon"})
        assert [c.name for c in children] == ["刚评估"]
    # Sorted by when the reassessment is due (not by name): the child never assessed first, then the earliest.
    children, _form = filtered_children(lead, {"sort": "reassess"})
    assert list(children) == [never, old, after_event, fresh]


def test_due_now_by_set_queries_agrees_with_the_due_date_expression(lead, worker):
    """The home card and "due now" use reassessment_due_q (no per-child subqueries); it must give the
    children whose reassessment_due_expression is due or NULL, in every corner."""
    from children.models import Child
    from children.risk import reassessment_due_q, reassessment_overdue_q, with_reassessment_due

    ChildFactory(name="从未评估")
    twice = ChildFactory(name="两次评估")  # the older assessment is overdue, the latest is not
    for day in (datetime.date(2026, 1, 5), datetime.date(2026, 11, 1)):
        record_assessment(child=twice, by=worker, occasion="intake", assessed_on=day, scores=SCORES, triggers=[],
                          confirmed_level="low")
    old = ChildFactory(name="半年前评估")
    record_assessment(child=old, by=worker, occasion="intake", assessed_on=datetime.date(2026, 5, 15),
                      scores=SCORES, triggers=[], confirmed_level="low")
    record_risk_event(child=ChildFactory(name="从未评估有事件"), kind="hospital",
                      occurred_on=datetime.date(2026, 11, 29))
    today = datetime.date(2026, 11, 30)
    by_expression = set(with_reassessment_due(Child.objects.all()).filter(reassessment_overdue_q(today))
                        .values_list("name", flat=True))
    assert set(Child.objects.filter(reassessment_due_q(today)).values_list("name", flat=True)) == by_expression
    assert by_expression >= {"从未评估", "半年前评估"} and "两次评估" not in by_expression


def test_an_impossible_age_range_is_refused_in_chinese_and_lists_nothing(client_for, lead):
    ChildFactory(name="孩子")
    response = client_for(lead).get(LIST, {"age_min": 12, "age_max": 8})
    assert response.status_code == 200
    assert list(response.context["children"]) == []
    assert "年龄上限不能小于下限" in response.context["form"].errors["age_max"][0]
    response = client_for(lead).get(LIST, {"age_min": "十"})
    assert response.context["form"].errors["age_min"] and list(response.context["children"]) == []


# ---------------------------------------------------------------- counts, sorting, pages

def test_counts_per_option_apply_every_other_filter(client_for, lead):
    ChildFactory(name="a", risk_level="high", school_stage="primary")
    ChildFactory(name="b", risk_level="high", school_stage="junior")
    ChildFactory(name="c", risk_level="low", school_stage="primary")
    ChildFactory(name="d", risk_level="", school_stage="primary")
    response = client_for(lead).get(LIST, {"stage": "primary", "risk": "high"})
    assert [c.name for c in response.context["children"]] == ["a"]
    pills = {p["level"]: p["count"] for p in response.context["risk_pills"]}
    assert pills == {"high": 1, "medium_high": 0, "medium_low": 0, "low": 1, "none": 1}
    stage_labels = dict(response.context["form"].fields["stage"].choices)
    assert stage_labels["primary"].endswith("（1）") and stage_labels["junior"].endswith("（1）")
    risk_labels = dict(response.context["form"].fields["risk"].choices)
    assert risk_labels["high"] == "高风险（红）（1）"
    # 在册 is the status filter's default (""): its count is the registered children, not the options' sum
    status_labels = dict(response.context["form"].fields["status"].choices)
    assert status_labels[""] == "在册（1）" and status_labels["all"] == "在册及已退出（1）"


def test_sort_by_risk_then_name_and_by_age(client_for, lead):
    ChildFactory(name="乙", risk_level="low", birth_date=datetime.date(2012, 1, 1))
    ChildFactory(name="甲", risk_level="high", birth_date=datetime.date(2016, 1, 1))
    ChildFactory(name="丙", risk_level="medium_high", birth_date=datetime.date(2014, 1, 1))
    client = client_for(lead)
    order = lambda **p: [c.name for c in client.get(LIST, p).context["children"]]  # noqa: E731
    assert order(sort="risk") == ["甲", "丙", "乙"]
    assert order(sort="age") == ["甲", "丙", "乙"]
    assert order(sort="-age") == ["乙", "丙", "甲"]


def test_a_name_search_lists_in_name_order_like_the_registry(client_for, lead):
    """On PostgreSQL a name search orders by `name || ''` (so the search index is used, not the name
    index): the order must be the registry's own name order, then the id."""
    for name in ["陈乙", "李陈", "陈甲", "陈乙", "张三"]:
        ChildFactory(name=name)
    client = client_for(lead)
    listed = [(c.name, c.pk) for c in client.get(LIST, {"q": "陈"}).context["children"]]
    everyone = [(c.name, c.pk) for c in client.get(LIST).context["children"]]
    assert listed == [entry for entry in everyone if "陈" in entry[0]] and len(listed) == 4


def test_pages_of_fifty_keep_the_filter(client_for, lead):
    ChildFactory.create_batch(55, risk_level="high")
    ChildFactory(risk_level="low")
    client = client_for(lead)
    first = client.get(LIST, {"risk": "high"})
    assert first.context["page"].paginator.count == 55 and len(first.context["children"]) == 50
    assert 'href="?risk=high&amp;page=2"' in first.content.decode()
    second = client.get(LIST, {"risk": "high", "page": 2})
    assert len(second.context["children"]) == 5


def _fill(n, worker):
    for i in range(n):
        child = ChildFactory(social_worker=worker, school_stage="primary")
        ChildCategoryFactory(child=child)
        if i % 2:
            record_assessment(child=child, by=worker, occasion="intake", assessed_on=datetime.date(2026, 11, 1),
                              scores=SCORES, triggers=[], confirmed_level="low")


def test_list_query_count_is_constant_in_the_number_of_children(client_for, worker, django_assert_num_queries):
    client = client_for(worker)
    params = {"q": "测试", "category": "left_behind", "reassess": "due", "sort": "risk", "place_county": "440802"}
    _fill(3, worker)
    client.get(LIST, params)  # warm caches that are not per request (content types, the policy row)
    cache.clear()  # but not the facet counts kept for a minute (accounts.countcache)
    # Session, user, savepoint and release around the idle-timeout session update, the user's areas
    # (scope), the chosen place and the chosen category (form validation), the grouped risk / status /
    # stage counts (which give the page count too), the category counts, the page's keys, its children,
    # their categories, their reassessment dates, the bell count, the county and town options of the place
    # picker, the category options, the worker options.
    with django_assert_num_queries(18):
        small = client.get(LIST, params)
    with django_assert_num_queries(16):  # the two facet queries kept for a minute, per user and filter
        assert client.get(LIST, params).context["page"].paginator.count == 2
    _fill(40, worker)  # a change: the kept counts are out of date, the next view counts again
    with django_assert_num_queries(18):
        large = client.get(LIST, params)
    with django_assert_num_queries(16):
        assert client.get(LIST, params).context["page"].paginator.count == 22
    # Half the children have a fresh assessment and so are not due.
    assert len(small.context["children"]) == 2 and len(large.context["children"]) == 22


def _search_page(client, **params):
    cache.clear()  # the facet counts are kept a minute per user and filter
    response = client.get(LIST, {"q": "陈", **params})
    assert response.status_code == 200
    return response


def test_a_search_counts_up_to_the_cap_and_pages_through_the_first_matches(
        client_for, lead, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("children.filters.SEARCH_COUNT_CAP", 60)
    monkeypatch.setattr("children.list_views.PER_PAGE", 25)
    ChildFactory.create_batch(3, name="陈小红", risk_level="high")
    ChildFactory(name="李四", risk_level="high")
    client = client_for(lead)
    client.get(LIST, {"q": "陈"})  # warm caches that are not per request
    with django_assert_num_queries(14):
        small = _search_page(client)
    assert small.context["page"].paginator.count == 3 and not small.context["capped_total"]
    assert dict(small.context["form"].fields["risk"].choices)["high"] == "高风险（红）（3）"
    assert "共3名儿童" in small.content.decode()

    ChildFactory.create_batch(67, name="陈明", risk_level="low", school_stage="primary")
    ChildFactory.create_batch(2, name="陈明", risk_level="low", status="exited",
                            exit_reason="turned_16", exited_on=datetime.date(2026, 3, 1))
    with django_assert_num_queries(15):  # one more than under the cap: the total, counted apart
        page = _search_page(client)
    html = page.content.decode()
    assert page.context["capped_total"] and page.context["page"].paginator.count == 60
    assert "共60+名儿童" in html and "仅列出前60名，请缩小搜索范围。" in html
    risk = dict(page.context["form"].fields["risk"].choices)
    assert all(label.endswith("+）") for value, label in risk.items() if value)
    assert {p["plus"] for p in page.context["risk_pills"]} == {"+"}
    assert dict(page.context["form"].fields["status"].choices)[""].endswith("+）")
    # Pages through the first 60 in name order, 25 a page; beyond them, the last page.
    listed = [c.pk for n in (1, 2, 3) for c in _search_page(client, page=n).context["children"]]
    everyone = [c.pk for c in _search_page(client, page=1, status="").context["children"]]
    assert len(listed) == len(set(listed)) == 60 and listed[:25] == everyone
    assert [c.pk for c in _search_page(client, page=9).context["children"]] == listed[50:]
    # More children, same number of queries.
    ChildFactory.create_batch(30, name="陈明", risk_level="low")
    with django_assert_num_queries(15):
        assert _search_page(client).context["capped_total"]
    # A narrower filter under the cap is counted exactly, even if the other options' counts are capped.
    narrow = _search_page(client, risk="high")
    assert narrow.context["page"].paginator.count == 3 and not narrow.context["capped_total"]
    assert "共3名儿童" in narrow.content.decode()
    assert [c.name for c in narrow.context["children"]] == ["陈小红"] * 3
