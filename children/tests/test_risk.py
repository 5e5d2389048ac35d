import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.dates import add_months
from accounts.models import Approval, Notification
from children.models import Child, RiskAssessment, RiskEvent, RiskLevel, RiskPolicy
from children.risk import (
    propose,
    reassessment_overdue_q,
    with_reassessment_due,
)
from children.services import record_assessment, record_risk_event
from children.signals import risk_level_changed
from children.tests.factories import ChildFactory
from children.timeline import events_for

pytestmark = pytest.mark.django_db

LOW_SCORES = {"family": 1, "care": 0, "schooling": 0, "health": 0, "economy": 0, "safety": 0}
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def child(worker):
    return ChildFactory(social_worker=worker, risk_level="", birth_date=datetime.date(2015, 3, 1))


def answers(step="propose", scores=None, triggers=(), **extra):
    scores = scores or LOW_SCORES
    data = {f"score_{code}": value for code, value in scores.items()}
    data.update({"occasion": "intake", "assessed_on": "2026-11-30", "step": step, "triggers": list(triggers),
                 "notes": "奶奶腿脚不便"})
    data.update(extra)
    return data


def assess(child, by, **kwargs):
    params = {"occasion": "intake", "assessed_on": TODAY, "scores": LOW_SCORES, "triggers": [],
              "confirmed_level": RiskLevel.LOW}
    params.update(kwargs)
    return record_assessment(child=child, by=by, **params)


# ---------------------------------------------------------------- the proposal

def test_proposal_follows_the_score_thresholds_of_the_policy():
    policy = RiskPolicy.current()  # medium-low from 2, medium-high from 7, high from 12
    def level(total):
        scores = dict.fromkeys(LOW_SCORES, 0)
        for code in scores:
            scores[code] = min(3, total)
            total -= scores[code]
        return propose(scores=scores, triggers=[], policy=policy, age=10).level
    assert [level(n) for n in (0, 1, 2, 6, 7, 11, 12, 18)] == [
        "low", "low", "medium_low", "medium_low", "medium_high", "medium_high", "high", "high"]


def test_one_override_trigger_makes_the_proposal_high_whatever_the_score():
    proposal = propose(scores=LOW_SCORES, triggers=["self_harm"], policy=RiskPolicy.current(), age=12)
    assert proposal.level == RiskLevel.HIGH and proposal.fired == {"self_harm": "high"} and proposal.total == 1


def test_medium_high_trigger_raises_a_low_score_but_never_lowers_a_high_one():
    policy = RiskPolicy.current()
    assert propose(scores=LOW_SCORES, triggers=["out_of_school"], policy=policy, age=12).level == "medium_high"
    high = dict.fromkeys(LOW_SCORES, 2)
    assert propose(scores=high, triggers=["out_of_school"], policy=policy, age=12).level == "high"


def test_age_bound_trigger_does_not_count_for_an_older_child():
    policy = RiskPolicy.current()
    assert propose(scores=LOW_SCORES, triggers=["living_alone"], policy=policy, age=15).level == "high"
    assert propose(scores=LOW_SCORES, triggers=["living_alone"], policy=policy, age=16).level == "low"


def test_policy_can_switch_a_trigger_off_or_change_its_level():
    policy = RiskPolicy.current()
    policy.trigger_levels = {"self_harm": "", "out_of_school": "high"}
    policy.save()
    assert propose(scores=LOW_SCORES, triggers=["self_harm"], policy=policy, age=12).level == "low"
    assert propose(scores=LOW_SCORES, triggers=["out_of_school"], policy=policy, age=12).level == "high"


def test_next_reassessment_is_six_months_later_by_default_and_follows_the_policy(child, worker):
    assert assess(child, worker).next_reassessment_on == datetime.date(2027, 5, 30)
    policy = RiskPolicy.current()
    policy.reassess_months = 3
    policy.save()
    assert assess(child, worker).next_reassessment_on == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)


# ---------------------------------------------------------------- assessing through the pages

def test_worker_gets_a_proposal_then_confirms_it(client_for, worker, supervisor, child):
    client = client_for(worker)
    url = reverse("children:risk_assess", args=[child.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, answers(triggers=["out_of_school"]))
    assert response.status_code == 200
    assert response.context["form"].proposal.level == RiskLevel.MEDIUM_HIGH
    assert not RiskAssessment.objects.exists()  # proposing saves nothing

    heard = []
    def on_change(sender, **kwargs):
        heard.append((kwargs["old"], kwargs["new"]))
    risk_level_changed.connect(on_change)
    try:
        response = client.post(url, answers("confirm", triggers=["out_of_school"], confirmed_level="medium_high"))
    finally:
        risk_level_changed.disconnect(on_change)
    assessment = RiskAssessment.objects.get()
    assert response.status_code == 302 and response.url == assessment.get_absolute_url()
    assert assessment.proposed_level == assessment.confirmed_level == RiskLevel.MEDIUM_HIGH
    assert assessment.assessed_by == worker and assessment.triggers == ["out_of_school"]
    assert assessment.total_score == 1 and assessment.notes == "奶奶腿脚不便"
    child.refresh_from_db()
    assert child.risk_level == RiskLevel.MEDIUM_HIGH
    assert heard == [("", "medium_high")]
    approval = Approval.objects.get(kind="risk_review")
    assert approval.status == Approval.Status.PENDING and approval.requested_by == worker
    assert Notification.objects.filter(recipient=supervisor, url=assessment.get_absolute_url()).exists()


def test_differing_from_the_proposal_needs_a_reason(client_for, worker, child):
    client = client_for(worker)
    url = reverse("children:risk_assess", args=[child.pk])
    response = client.post(url, answers("confirm", confirmed_level="high"))
    assert response.status_code == 200
    assert "请说明理由" in response.context["form"].errors["reason_for_difference"][0]
    assert not RiskAssessment.objects.exists()
    child.refresh_from_db()
    assert child.risk_level == ""

    client.post(url, answers("confirm", confirmed_level="high", reason_for_difference="孩子近期常独自到河边玩"))
    assessment = RiskAssessment.objects.get()
    assert assessment.proposed_level == "low" and assessment.confirmed_level == "high"
    assert assessment.reason_for_difference == "孩子近期常独自到河边玩"


def test_a_missing_score_is_refused_in_chinese_and_nothing_saved(client_for, worker, child):
    data = answers("confirm", confirmed_level="low")
    del data["score_safety"]
    response = client_for(worker).post(reverse("children:risk_assess", args=[child.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["score_safety"] == ["请为这一项打分（0–3分）。"]
    assert not RiskAssessment.objects.exists()


def test_a_future_assessment_date_is_refused(client_for, worker, child):
    response = client_for(worker).post(reverse("children:risk_assess", args=[child.pk]),
                                       answers("confirm", confirmed_level="low", assessed_on="2026-12-05"))
    assert "不能晚于今天" in response.context["form"].errors["assessed_on"][0]
    assert not RiskAssessment.objects.exists()


def test_the_form_works_from_the_answers_alone(client_for, worker):
    """A child imported with nothing but identity and residence can still be assessed."""
    bare = ChildFactory(risk_level="")
    client = client_for(worker)
    client.post(reverse("children:risk_assess", args=[bare.pk]),
                answers("confirm", triggers=["mandatory_report"], confirmed_level="high"))
    assert RiskAssessment.objects.get(child=bare).proposed_level == "high"


def test_triggers_that_do_not_fit_the_age_are_not_offered(client_for, worker):
    older = ChildFactory(birth_date=datetime.date(2009, 1, 1))  # 17
    form = client_for(worker).get(reverse("children:risk_assess", args=[older.pk])).context["form"]
    codes = {code for code, _label in form.fields["triggers"].choices}
    assert "living_alone" not in codes and "unattended" not in codes and "pregnancy" not in codes
    assert "self_harm" in codes


def test_every_assessment_is_kept_and_listed(client_for, worker, child):
    first = assess(child, worker)
    second = assess(child, worker, occasion="periodic", scores=dict.fromkeys(LOW_SCORES, 2),
                    confirmed_level="high")
    response = client_for(worker).get(reverse("children:risk_history", args=[child.pk]))
    assert list(response.context["assessments"]) == [second, first]
    first.refresh_from_db()
    assert first.confirmed_level == "low"
    child.refresh_from_db()
    assert child.risk_level == "high"


# ---------------------------------------------------------------- permissions

@pytest.mark.parametrize("name", ["risk_assess", "risk_history"])
def test_other_county_worker_and_outsider_get_404(client_for, other_worker, outsider, child, name):
    url = reverse(f"children:{name}", args=[child.pk])
    assert client_for(other_worker).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_other_county_worker_gets_404_on_an_assessment(client_for, worker, other_worker, child):
    assessment = assess(child, worker)
    assert client_for(other_worker).get(assessment.get_absolute_url()).status_code == 404
    assert client_for(worker).get(assessment.get_absolute_url()).status_code == 200


def test_bureau_reads_but_cannot_assess(client_for, bureau, worker, child):
    assess(child, worker)
    client = client_for(bureau)
    assert client.get(reverse("children:risk_history", args=[child.pk])).status_code == 200
    response = client.post(reverse("children:risk_assess", args=[child.pk]), answers("confirm", confirmed_level="low"))
    assert response.status_code == 403
    assert RiskAssessment.objects.count() == 1


def test_anonymous_is_sent_to_login(client, child):
    response = client.get(reverse("children:risk_assess", args=[child.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# ---------------------------------------------------------------- events and due dates

def _due(child):
    return with_reassessment_due(Child.objects.filter(pk=child.pk)).get().reassess_due


def test_due_dates_never_assessed_then_periodic_then_at_once_after_an_event(child, worker):
    everyone = Child.objects.all()
    assert _due(child) is None  # an intake assessment is due
    assert with_reassessment_due(Child.objects.all()).filter(reassessment_overdue_q(TODAY)).count() == 1
    assess(child, worker)
    assert _due(child) == datetime.date(2027, 5, 30)
    assert not with_reassessment_due(everyone).filter(reassessment_overdue_q(TODAY)).exists()
    record_risk_event(child=child, kind=RiskEvent.Kind.HOSPITAL, by=None, note="肺炎住院")
    assert _due(child) == TODAY
    assert with_reassessment_due(everyone).filter(reassessment_overdue_q(TODAY)).count() == 1
    assessment = assess(child, worker, occasion="event")
    assert RiskEvent.objects.get().resolved_by == assessment
    assert _due(child) == datetime.date(2027, 5, 30)


def test_recording_an_event_through_the_page_tells_the_worker(client_for, lead, worker, child):
    response = client_for(lead).post(reverse("children:risk_event_new", args=[child.pk]),
                                     {"kind": "guardian_change", "occurred_on": "2026-11-29", "note": "爷爷去世"})
    assert response.status_code == 302
    event = RiskEvent.objects.get()
    assert event.reassess_by == datetime.date(2026, 11, 29) and event.recorded_by == lead
    assert Notification.objects.filter(recipient=worker, key=f"risk_event:{event.pk}").exists()


def test_an_event_without_a_kind_is_refused(client_for, worker, child):
    response = client_for(worker).post(reverse("children:risk_event_new", args=[child.pk]),
                                       {"occurred_on": "2026-11-29"})
    assert response.status_code == 400 and not RiskEvent.objects.exists()


def test_bureau_cannot_record_an_event(client_for, bureau, child):
    response = client_for(bureau).post(reverse("children:risk_event_new", args=[child.pk]),
                                       {"kind": "other", "occurred_on": "2026-11-29"})
    assert response.status_code == 403 and not RiskEvent.objects.exists()


# ---------------------------------------------------------------- home cards and timeline

def test_home_card_counts_assessments_due_for_the_worker(client_for, worker, child):
    ChildFactory(residence_id="440882001001")  # 雷州市: not this worker's
    cards = {str(c.title): c for c in client_for(worker).get(reverse("home")).context["cards"]}
    assert cards["待复评"].value == 1
    assess(child, worker)
    cards = {str(c.title): c for c in client_for(worker).get(reverse("home")).context["cards"]}
    assert cards["待复评"].value == 0


def test_assessments_appear_in_the_childs_timeline(child, worker):
    assessment = assess(child, worker)
    urls = [event.url for event in events_for(child, worker)]
    assert assessment.get_absolute_url() in urls


def test_the_record_ticks_the_triggers_it_shows_and_says_why(client_for, worker):
    from children.models import Parent

    kept = ChildFactory(caregiver_name="李秀英", caregiver_age=74, school_stage="dropped_out", lives_alone=False)
    Parent.objects.create(child=kept, kind="father", situation="working_away", contact_frequency="rarely",
                          last_met_on=datetime.date(2025, 1, 1))
    Parent.objects.create(child=kept, kind="mother", situation="working_away", contact_frequency="monthly",
                          last_met_on=datetime.date(2025, 2, 1))
    response = client_for(worker).get(reverse("children:risk_assess", args=[kept.pk]))
    findings = response.context["findings"]
    assert set(findings) == {"caregiver_unfit", "out_of_school", "parents_rare_contact", "parents_not_met"}
    assert "74" in findings["caregiver_unfit"]
    assert set(response.context["form"]["triggers"].initial) == set(findings)


def test_a_parent_who_calls_weekly_means_no_rare_contact_finding(client_for, worker):
    from children.models import Parent

    kept = ChildFactory()
    Parent.objects.create(child=kept, kind="father", situation="working_away", contact_frequency="weekly",
                          last_met_on=datetime.date(2026, 10, 1))
    Parent.objects.create(child=kept, kind="mother", situation="working_away", contact_frequency="rarely",
                          last_met_on=datetime.date(2026, 10, 1))
    response = client_for(worker).get(reverse("children:risk_assess", args=[kept.pk]))
    assert response.context["findings"] == {}


def test_a_level_set_outside_an_assessment_makes_a_reassessment_due_at_once(child, worker, lead):
    assess(child, worker)
    assert not RiskEvent.objects.exists()  # the assessment's own level change is no event
    child.set_risk_level(RiskLevel.HIGH, by=lead)  # e.g. a discovery report confirmed as high risk
    event = RiskEvent.objects.get()
    assert event.kind == RiskEvent.Kind.LEVEL_SET and event.reassess_by == TODAY and event.recorded_by == lead
    assert _due(child) == TODAY


def test_the_assessment_date_field_shows_today_in_the_format_a_date_input_reads(client_for, worker, child):
    html = client_for(worker).get(reverse("children:risk_assess", args=[child.pk])).content.decode()
    assert 'value="2026-11-30"' in html
