"""Client follow-up surveys (服务对象回访): who fills and reads them, bad input, the versioned question set,
sampling coverage."""

import pytest
from django.urls import reverse

from accounts.dates import local_today
from activities.tests.factories import ActivityFactory
from children.tests.factories import ChildFactory
from evaluation import stats
from evaluation.models import QuestionSet, SamplingTarget, Survey, SurveyAnswer

from .conftest import LEIZHOU_VILLAGE, SUIXI_VILLAGE, answers, closed_case_for

pytestmark = pytest.mark.django_db

NEW = reverse("evaluation:survey_create")


def new_survey_url(**link):
    key, value = next(iter(link.items()))
    return f"{NEW}?{key}={value.pk}"


@pytest.fixture
def questions():
    return QuestionSet.current()


@pytest.fixture
def survey(client_for, worker, closed_case, questions):
    client_for(worker).post(new_survey_url(case=closed_case), answers(questions, 5, 4, 5, 4))
    return Survey.objects.get(case=closed_case)


# ---------------------------------------------------------------- filling it in

def test_worker_surveys_a_closed_case_and_every_answer_is_kept(client_for, worker, closed_case, questions):
    client = client_for(worker)
    assert client.get(new_survey_url(case=closed_case)).status_code == 200
    response = client.post(new_survey_url(case=closed_case), answers(questions, 5, 4, 3, 5))
    assert response.status_code == 302, response.context["form"].errors
    survey = Survey.objects.get()
    assert response.status_code == 302 and response.url == survey.get_absolute_url()
    assert (survey.child, survey.case, survey.context, survey.worker, survey.question_set) == (
        closed_case.child, closed_case, "case_closure", worker, questions)
    assert survey.done_on == local_today()
    assert list(survey.answers.order_by("question__order").values_list("score", flat=True)) == [5, 4, 3, 5]


def test_the_default_questions_are_the_four_of_the_contract():
    texts = list(QuestionSet.current().questions.values_list("text", flat=True))
    assert len(texts) == 4 and "服务态度" in texts[0] and "安全" in texts[3]


@pytest.mark.parametrize("bad", ["0", "6", "五", ""])
def test_an_answer_outside_1_to_5_is_refused_in_chinese_and_nothing_saved(client_for, worker, closed_case,
                                                                          questions, bad):
    data = answers(questions, 5, 4, 3, 5)
    data[f"q{questions.questions.first().pk}"] = bad
    response = client_for(worker).post(new_survey_url(case=closed_case), data)
    assert response.status_code == 200
    assert "1到5" in str(response.context["form"].errors)
    assert not Survey.objects.exists() and not SurveyAnswer.objects.exists()


def test_a_second_survey_of_the_same_case_is_refused(client_for, worker, closed_case, questions, survey):
    response = client_for(worker).post(new_survey_url(case=closed_case), answers(questions, 1, 1, 1, 1))
    assert response.status_code == 200
    assert "已经做过回访" in str(response.context["form"].errors)
    assert Survey.objects.count() == 1 and SurveyAnswer.objects.filter(score=1).count() == 0


def test_a_case_still_open_cannot_be_surveyed(client_for, worker, closed_case, questions):
    from cases import services

    open_case = services.open_case(child=ChildFactory(social_worker=worker), by=worker, source="visit",
                                   source_note="", reason="测试")
    response = client_for(worker).post(new_survey_url(case=open_case), answers(questions, 5, 5, 5, 5), follow=True)
    assert "结案后" in response.content.decode()
    assert not Survey.objects.exists()


def test_a_child_outside_the_workers_area_cannot_be_surveyed(client_for, other_worker, closed_case, questions):
    """雷州市's worker does not see 赤坎区's case: 404 on the page and on the POST, nothing saved."""
    client = client_for(other_worker)
    assert client.get(new_survey_url(case=closed_case)).status_code == 404
    assert client.post(new_survey_url(case=closed_case), answers(questions, 5, 5, 5, 5)).status_code == 404
    assert not Survey.objects.exists()


def test_after_an_activity_only_children_the_worker_sees_may_answer(client_for, worker, questions):
    mine, elsewhere = ChildFactory(), ChildFactory(residence_id=LEIZHOU_VILLAGE)
    activity = ActivityFactory(organiser=worker, created_by=worker)
    activity.registered_children.set([mine, elsewhere])
    client = client_for(worker)
    response = client.post(new_survey_url(activity=activity), answers(questions, 4, 4, 4, 4, child=elsewhere.pk))
    assert "不在您的服务范围" in str(response.context["form"].errors)
    assert not Survey.objects.exists()
    response = client.post(new_survey_url(activity=activity), answers(questions, 4, 4, 4, 4, child=mine.pk))
    assert Survey.objects.get().activity == activity and response.status_code == 302


def test_survey_at_a_visit_links_the_visit(client_for, worker, questions):
    from visits.models import Visit

    child = ChildFactory(social_worker=worker)
    visit = Visit.objects.create(child=child, visited_on=local_today(), duration_minutes=30, child_seen=True,
                                 recorded_by=worker)
    client_for(worker).post(new_survey_url(visit=visit), answers(questions, 3, 3, 3, 3, method="phone"))
    survey = Survey.objects.get()
    assert (survey.visit, survey.child, survey.method, survey.linked) == (visit, child, "phone", visit)


# ---------------------------------------------------------------- who sees the answers

def test_owner_and_managers_read_the_answers_others_get_404(client_for, survey, worker, lead, supervisor, bureau,
                                                            other_worker, county_bureau, outsider):
    url = survey.get_absolute_url()
    for reader in (worker, lead, supervisor, bureau):
        assert client_for(reader).get(url).status_code == 200, reader
    for stranger in (other_worker, county_bureau, outsider):
        assert client_for(stranger).get(url).status_code == 404, stranger


def test_read_only_users_cannot_fill_a_survey(client_for, bureau, closed_case, questions):
    response = client_for(bureau).post(new_survey_url(case=closed_case), answers(questions, 5, 5, 5, 5))
    assert response.status_code == 403
    assert not Survey.objects.exists()


def test_survey_list_shows_only_visible_surveys_and_the_cases_waiting(client_for, worker, other_worker, supervisor,
                                                                      survey, django_assert_num_queries):
    waiting = closed_case_for(worker, supervisor, name="李小红")
    closed_case_for(other_worker, supervisor, residence_id=LEIZHOU_VILLAGE)
    client = client_for(worker)
    # session, user, the savepoint pair around the view, the worker's areas (cached on the user for both lists),
    # the surveys' count and page, the waiting cases, and the navigation's unread notifications.
    with django_assert_num_queries(9):
        response = client.get(reverse("evaluation:survey_list"))
    assert [s.pk for s in response.context["page"]] == [survey.pk]
    assert [c.pk for c in response.context["waiting"]] == [waiting.pk]


# ---------------------------------------------------------------- the question set is versioned

def test_editing_the_questions_keeps_the_meaning_of_answers_already_given(client_for, lead, worker, survey,
                                                                          supervisor, questions):
    old_texts = list(questions.questions.values_list("text", flat=True))
    response = client_for(lead).post(reverse("evaluation:questions"), {
        "questions": "社工的服务态度让您满意吗？\n孩子现在上学情况好吗？", "note": "删去两题，新增就学一题"})
    assert response.status_code == 302
    new = QuestionSet.current()
    assert new.version == 2 and list(new.questions.values_list("text", flat=True)) == [
        "社工的服务态度让您满意吗？", "孩子现在上学情况好吗？"]
    # the earlier survey still answers the four questions it was asked, with the same scores
    survey.refresh_from_db()
    assert survey.question_set == questions
    assert [(a.question.text, a.score) for a in survey.answers.order_by("question__order")] == list(
        zip(old_texts, [5, 4, 5, 4], strict=True))
    page = client_for(worker).get(survey.get_absolute_url()).content.decode()
    assert all(text in page for text in old_texts)
    # a new survey is asked the new questions; the figures keep the old items apart from the new one
    later = closed_case_for(worker, supervisor, name="王小华")
    client_for(worker).post(new_survey_url(case=later), answers(new, 3, 2))
    items = {item.text: (item.answers, item.mean) for item in
             stats.survey_figures(local_today(), local_today()).items}
    assert items["社工的服务态度让您满意吗？"] == (2, 4.0)
    assert items[old_texts[1]] == (1, 4.0)
    assert items["孩子现在上学情况好吗？"] == (1, 2.0)


def test_only_the_lead_edits_the_questions(client_for, supervisor, worker, questions):
    data = {"questions": "一个问题", "note": ""}
    assert client_for(supervisor).get(reverse("evaluation:questions")).status_code == 200
    assert client_for(supervisor).post(reverse("evaluation:questions"), data).status_code == 403
    assert client_for(worker).get(reverse("evaluation:questions")).status_code == 403
    assert QuestionSet.objects.count() == 1


def test_an_unchanged_question_set_makes_no_new_version(client_for, lead, questions):
    text = "\n".join(questions.questions.values_list("text", flat=True))
    response = client_for(lead).post(reverse("evaluation:questions"), {"questions": text, "note": ""})
    assert response.status_code == 200 and "没有变化" in str(response.context["form"].errors)
    assert QuestionSet.objects.count() == 1


# ---------------------------------------------------------------- sampling coverage

def test_lead_sets_the_target_and_sees_the_coverage(client_for, lead, worker, supervisor, survey):
    closed_case_for(worker, supervisor, name="李小红")
    client = client_for(lead)
    assert client.post(reverse("evaluation:coverage"), {"context": "case_closure", "percent": "60"}).status_code == 302
    assert SamplingTarget.objects.get(context="case_closure").percent == 60
    rows = {row.context: row for row in client.get(reverse("evaluation:coverage")).context["rows"]}
    assert (rows["case_closure"].eligible, rows["case_closure"].surveyed, rows["case_closure"].percent) == (2, 1, 50.0)
    assert rows["case_closure"].met is False
    assert rows["activity"].target_percent == 100


def test_target_above_100_is_refused(client_for, lead):
    client_for(lead).post(reverse("evaluation:coverage"), {"context": "visit", "percent": "130"})
    assert SamplingTarget.objects.get(context="visit").percent == 5


def test_coverage_is_read_only_for_the_bureau_and_closed_to_workers(client_for, bureau, worker, county_bureau):
    assert client_for(bureau).get(reverse("evaluation:coverage")).status_code == 200
    assert client_for(bureau).post(reverse("evaluation:coverage"), {"context": "visit", "percent": "9"}
                                   ).status_code == 403
    assert client_for(worker).get(reverse("evaluation:coverage")).status_code == 403
    assert client_for(county_bureau).get(reverse("evaluation:coverage")).status_code == 200


def test_county_bureau_coverage_counts_its_county_only(client_for, county_bureau, worker, supervisor, survey):
    closed_case_for(worker, supervisor, residence_id=SUIXI_VILLAGE)
    rows = {r.context: r for r in client_for(county_bureau).get(reverse("evaluation:coverage")).context["rows"]}
    assert (rows["case_closure"].eligible, rows["case_closure"].surveyed) == (1, 0)


def test_who_answered_and_how_have_no_empty_radio(client_for, worker, closed_case):
    import re

    page = client_for(worker).get(new_survey_url(case=closed_case)).content.decode()
    for name in ("respondent", "method"):
        radios = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert radios and all('value=""' not in radio for radio in radios), radios
    assert "---------" not in page
