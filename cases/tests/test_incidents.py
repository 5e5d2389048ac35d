"""Discovery and mandatory reports: routing, the report form, recipients, follow-through, access."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, Notification, Role
from cases.incidents import services as incident_services
from cases.models import Case, Incident, IncidentMeasure, IncidentNotice, Recipient, Situation, route
from cases.services import open_case
from children.models import RiskLevel
from children.tests.factories import ChildFactory
from conftest import make_user
from divisions.models import Division
from visits.models import Visit

pytestmark = pytest.mark.django_db

CHIKAN_VILLAGE, SUIXI_VILLAGE = "440802001001", "440823101002"
P, C, E, T, V = "police", "civil_affairs", "education", "township", "village"

# Written out by hand from docs/domain.md §5 and the contract, independently of cases.models.ROUTING:
# (must be told, told where it applies). Everyone else is optional.
EXPECTED_ROUTING = {
    "alone": ({C, V}, {T, P}),
    "guardian": ({C, V}, {T, P}),
    "domestic_violence": ({P, C}, {V, E}),
    "injury": ({P, C}, {E, V}),
    "m1_private_parts": ({P, C}, {E}),
    "m2_girl_under_14": ({P, C}, {E}),
    "m3_girl_14_plus": ({P, C}, {E}),
    "m4_abuse": ({P, C}, {E, V}),
    "m5_disabled_or_dead": ({P, C}, {E}),
    "m6_abandoned": ({P, C, V}, {T}),
    "m7_missing": ({P, C}, {V, T}),
    "m8_begging": ({P, C}, {T}),
    "m9_other": ({P, C}, {E, T, V}),
}


def local(**kwargs) -> str:
    """A datetime-local value relative to now."""
    return timezone.localtime(timezone.now() + datetime.timedelta(**kwargs)).strftime("%Y-%m-%dT%H:%M")


def report_data(**overrides) -> dict:
    data = {"situations": ["injury"], "discovered_at": local(minutes=-30), "description": "孩子手臂有多处淤青，说是被打的",
            "reporter_kind": "self"}
    data.update(overrides)
    return data


def file(by, child=None, situations=("m4_abuse",), place=None, **extra) -> Incident:
    return incident_services.file_incident(
        by=by, situations=list(situations), discovered_at=timezone.now() - datetime.timedelta(hours=1),
        place=place or (child.residence if child else None), description="看到孩子身上有伤", child=child,
        child_description="" if child else "约十岁男孩，住在村口", **extra)


def log(incident, recipient, by, **extra):
    return incident_services.log_notice(incident=incident, recipient=recipient, by=by,
                                        notified_at=extra.pop("notified_at",
                                                              timezone.now() - datetime.timedelta(minutes=10)),
                                        channel=extra.pop("channel", "phone"), receiver=extra.pop("receiver", "李警官"),
                                        receipt_number=extra.pop("receipt_number", "JJ2026112900123"))


@pytest.fixture
def child(db):
    return ChildFactory(name="林小雨")


@pytest.fixture
def suixi_child(db):
    return ChildFactory(name="遂溪孩子", residence_id=SUIXI_VILLAGE)


# ---------------------------------------------------------------- routing


def test_routing_table_covers_every_situation():
    assert set(EXPECTED_ROUTING) == set(Situation.values)


@pytest.mark.parametrize("situation", sorted(EXPECTED_ROUTING))
def test_filing_a_report_lays_out_the_recipients_of_its_situation(client_for, worker, child, situation):
    required, suggested = EXPECTED_ROUTING[situation]
    response = client_for(worker).post(reverse("cases:incident_create"),
                                       report_data(situations=[situation], child=child.pk))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    needs = dict(incident.notices.values_list("recipient", "need"))
    assert {r for r, n in needs.items() if n == "required"} == required
    assert {r for r, n in needs.items() if n == "suggested"} == suggested
    assert set(needs) == set(Recipient.values)  # the whole checklist, police first on the page


def test_police_first_for_violence_injury_sexual_harm_abandonment_and_missing():
    for situation in ("domestic_violence", "injury", "m1_private_parts", "m2_girl_under_14", "m6_abandoned",
                      "m7_missing"):
        assert route([situation])["police"] == "required", situation
    assert route(["alone"])["police"] == "suggested"


def test_several_situations_take_the_strongest_need():
    needs = route(["alone", "m8_begging"])
    assert needs == {P: "required", C: "required", V: "required", T: "suggested", E: "optional"}


def test_checklist_shows_police_first_and_the_childs_county(client_for, worker, child):
    incident = file(worker, child, situations=["alone", "injury"])
    page = client_for(worker).get(incident.get_absolute_url()).content.decode()
    assert page.index('id="recipient-police"') < page.index('id="recipient-civil_affairs"')
    assert "赤坎区" in page and "必须报告" in page and "视情况报告" in page


# ---------------------------------------------------------------- the report form


def test_worker_files_a_report_about_a_registered_child(client_for, worker, child):
    client = client_for(worker)
    assert client.get(reverse("cases:incident_create")).status_code == 200
    response = client.post(reverse("cases:incident_create"), report_data(child=child.pk, immediate_danger="on"))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.child == child and incident.place_id == child.residence_id  # place defaults to the home
    assert incident.immediate_danger and incident.reported_by == worker and incident.status == "open"
    assert incident.risk_decision == "proposed"
    assert AuditEntry.objects.filter(action="incident.file", target_id=str(incident.pk)).exists()


def test_report_about_a_child_not_in_the_registry_needs_a_description_and_a_place(client_for, worker):
    client = client_for(worker)
    response = client.post(reverse("cases:incident_create"),
                           report_data(child_description="约八岁女孩，独自在家", place_county="440823",
                                       place_town="440823101", place_village=SUIXI_VILLAGE))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.child is None and incident.place_id == SUIXI_VILLAGE
    assert incident.risk_decision == "no_child"


def test_visit_link_prefills_child_and_visit(client_for, worker, child):
    # A real visit: Incident.visit is a foreign key (issue 10), no longer any number.
    visit = Visit.objects.create(child=child, visited_on=timezone.localdate(), duration_minutes=40, child_seen=True,
                                 recorded_by=worker)
    response = client_for(worker).get(reverse("cases:incident_create") + f"?child={child.pk}&visit={visit.pk}")
    form = response.context["form"]
    assert form.initial == {"child": child.pk, "visit_id": visit.pk}
    client_for(worker).post(reverse("cases:incident_create"), report_data(child=child.pk, visit_id=visit.pk))
    incident = Incident.objects.get()
    assert incident.visit_id == visit.pk
    assert f'href="/visits/{visit.pk}/"' in client_for(worker).get(incident.get_absolute_url()).content.decode()


def test_a_visit_that_does_not_exist_is_refused(client_for, worker, child):
    response = client_for(worker).post(reverse("cases:incident_create"), report_data(child=child.pk, visit_id=42))
    assert response.status_code == 200
    assert "本报告关联的探访记录不存在。" in response.context["form"].non_field_errors()
    assert not Incident.objects.exists()


@pytest.mark.parametrize("overrides, field, message", [
    ({"discovered_at": "FUTURE"}, "discovered_at", "这个时间在将来：请填写实际发生的时间。"),
    ({"situations": []}, "situations", "请至少勾选一种报告情形。"),
    ({"child": ""}, "child_description", "请从台账中选择儿童，或在此描述儿童情况。"),
    ({"child": "", "child_description": "一个陌生男孩"}, "place", "请选择发现地点（县、镇、村）。"),
    ({"description": ""}, "description", "请简要写明发现的情况。"),
])
def test_bad_report_is_refused_in_chinese_and_nothing_is_saved(client_for, worker, child, overrides, field, message):
    if overrides.get("discovered_at") == "FUTURE":
        overrides["discovered_at"] = local(hours=2)
    response = client_for(worker).post(reverse("cases:incident_create"), report_data(**{"child": child.pk, **overrides}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Incident.objects.exists() and not IncidentNotice.objects.exists()


def test_child_of_another_county_cannot_be_chosen(client_for, other_worker, child):
    response = client_for(other_worker).post(reverse("cases:incident_create"), report_data(child=child.pk))
    assert response.context["form"].errors["child"] == ["请从列表中选择儿童。"]
    assert not Incident.objects.exists()


def test_read_only_roles_cannot_file(client_for, bureau, county_bureau, child):
    for user in (bureau, county_bureau):
        client = client_for(user)
        assert client.get(reverse("cases:incident_create")).status_code == 403
        assert client.post(reverse("cases:incident_create"), report_data(child=child.pk)).status_code == 403
    assert not Incident.objects.exists()


def test_model_refuses_a_report_without_situation_or_child():
    with pytest.raises(ValidationError) as exc:
        Incident(situations=[], child_description="", description="x").clean()
    assert set(exc.value.message_dict) == {"situations", "child_description"}


# ---------------------------------------------------------------- recipients


def test_logging_a_recipient_records_time_channel_person_and_receipt(client_for, worker, child):
    incident = file(worker, child)
    response = client_for(worker).post(reverse("cases:incident_log_notice", args=[incident.pk, "police"]), {
        "police-notified_at": local(minutes=-5), "police-channel": "110", "police-receiver": "霞山派出所王警官",
        "police-receipt_number": "JJ-0001"})
    assert response.status_code == 302
    notice = incident.notices.get(recipient="police")
    assert (notice.channel, notice.receiver, notice.receipt_number, notice.logged_by) == (
        "110", "霞山派出所王警官", "JJ-0001", worker)
    assert notice.notified_at is not None


def test_a_recipient_logged_twice_is_refused_in_chinese(client_for, worker, child):
    incident = file(worker, child)
    log(incident, "police", worker, receiver="第一次接报人")
    url = reverse("cases:incident_log_notice", args=[incident.pk, "police"])
    response = client_for(worker).post(url, {"police-notified_at": local(minutes=-1), "police-channel": "phone",
                                             "police-receiver": "第二次接报人"})
    assert response.status_code == 200
    assert "向公安机关的报告已经登记过，不能重复登记。" in response.content.decode()
    assert incident.notices.get(recipient="police").receiver == "第一次接报人"
    with pytest.raises(ValidationError):
        log(incident, "police", worker, receiver="又一次")


@pytest.mark.parametrize("data, message", [
    ({"police-notified_at": "FUTURE", "police-channel": "phone", "police-receiver": "李警官"},
     "这个时间在将来：请填写实际发生的时间。"),
    ({"police-notified_at": "PAST", "police-channel": "phone", "police-receiver": "李警官"},
     "这个时间早于发现时间：请核对日期和时间。"),
    ({"police-notified_at": "NOW", "police-channel": "phone", "police-receiver": ""}, "请填写接报人姓名。"),
])
def test_bad_recipient_log_is_refused_and_nothing_saved(client_for, worker, child, data, message):
    incident = file(worker, child)
    data["police-notified_at"] = {"FUTURE": local(hours=3), "PAST": local(days=-3), "NOW": local()}[
        data["police-notified_at"]]
    response = client_for(worker).post(reverse("cases:incident_log_notice", args=[incident.pk, "police"]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert incident.notices.get(recipient="police").notified_at is None


def test_report_is_handled_once_required_recipients_are_logged_and_police_feedback_is_in(client_for, worker, child):
    incident = file(worker, child, situations=["injury"])
    log(incident, "police", worker)
    log(incident, "civil_affairs", worker, receiver="赤坎区民政局张科长")
    incident.refresh_from_db()
    assert incident.status == "open"  # the police feedback is still missing
    client = client_for(worker)
    response = client.post(reverse("cases:incident_feedback", args=[incident.pk]),
                           {"feedback-feedback_at": local(), "feedback-feedback": "已立案调查，儿童已安置"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "handled" and incident.handled_at is not None


def test_police_feedback_before_the_police_were_told_is_refused(client_for, worker, child):
    incident = file(worker, child)
    response = client_for(worker).post(reverse("cases:incident_feedback", args=[incident.pk]),
                                       {"feedback-feedback_at": local(), "feedback-feedback": "反馈"})
    assert "请先登记向公安机关的报告，再登记反馈。" in response.content.decode()
    assert incident.notices.get(recipient="police").feedback_at is None


def test_emergency_measures_are_recorded(client_for, worker, child):
    incident = file(worker, child)
    client = client_for(worker)
    for kind in ("shelter", "temporary_guardianship", "medical"):
        response = client.post(reverse("cases:incident_add_measure", args=[incident.pk]),
                               {"measure-kind": kind, "measure-taken_at": local(minutes=-10), "measure-note": "已处置"})
        assert response.status_code == 302
    assert sorted(incident.measures.values_list("kind", flat=True)) == ["medical", "shelter", "temporary_guardianship"]
    response = client.post(reverse("cases:incident_add_measure", args=[incident.pk]),
                           {"measure-kind": "shelter", "measure-taken_at": local(hours=5)})
    assert "这个时间在将来" in response.content.decode() and IncidentMeasure.objects.count() == 3


# ---------------------------------------------------------------- risk and case


def test_confirming_high_risk_sets_the_level_and_opens_a_case(client_for, worker, child):
    incident = file(worker, child)
    client = client_for(worker)
    assert client.post(reverse("cases:incident_confirm_risk", args=[incident.pk])).status_code == 302
    child.refresh_from_db()
    incident.refresh_from_db()
    assert child.risk_level == RiskLevel.HIGH
    assert incident.risk_decision == "confirmed" and incident.risk_confirmed_by == worker
    assert incident.case is not None and incident.case.child == child
    client.post(reverse("cases:incident_confirm_risk", args=[incident.pk]))
    assert Case.objects.count() == 1


def test_confirming_links_the_childs_open_case(worker, child):
    case = open_case(child=child, by=worker, source="visit")
    incident = file(worker, child)
    assert incident_services.confirm_high_risk(incident=incident, by=worker) == case
    assert Case.objects.count() == 1


def test_risk_is_only_proposed_until_a_person_confirms(worker, child):
    file(worker, child)
    child.refresh_from_db()
    assert child.risk_level == RiskLevel.MEDIUM_HIGH


def test_report_about_unregistered_child_is_linked_once_the_child_is_registered(client_for, worker, child):
    incident = file(worker, place=child.residence)
    client = client_for(worker)
    response = client.post(reverse("cases:incident_confirm_risk", args=[incident.pk]))
    assert response.status_code == 302 and not Case.objects.exists()
    client.post(reverse("cases:incident_link_child", args=[incident.pk]), {"link-child": child.pk})
    incident.refresh_from_db()
    assert incident.child == child and incident.risk_decision == "proposed"


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("viewer, status", [
    ("worker", 200), ("other_worker", 404), ("outsider", 404), ("sysadmin", 404), ("lead", 200),
    ("supervisor", 200), ("bureau", 200), ("county_bureau", 404),
])
def test_who_sees_a_report_about_a_chikan_child(request, client_for, worker, child, viewer, status):
    incident = file(worker, child)
    user = request.getfixturevalue(viewer)
    assert client_for(user).get(incident.get_absolute_url()).status_code == status


def test_read_only_roles_get_403_on_every_change(client_for, worker, bureau, child):
    incident = file(worker, child)
    client = client_for(bureau)
    assert client.get(incident.get_absolute_url()).status_code == 200
    for name, args, data in [
        ("cases:incident_log_notice", [incident.pk, "police"], {"police-notified_at": local(), "police-channel": "phone",
                                                               "police-receiver": "x"}),
        ("cases:incident_feedback", [incident.pk], {}),
        ("cases:incident_add_measure", [incident.pk], {}),
        ("cases:incident_confirm_risk", [incident.pk], {}),
        ("cases:incident_link_child", [incident.pk], {}),
    ]:
        assert client.post(reverse(name, args=args), data).status_code == 403, name
    assert incident.notices.get(recipient="police").notified_at is None


def test_other_county_worker_gets_404_on_changes(client_for, worker, other_worker, child):
    incident = file(worker, child)
    response = client_for(other_worker).post(reverse("cases:incident_confirm_risk", args=[incident.pk]))
    assert response.status_code == 404


def test_county_bureau_sees_only_its_countys_reports(client_for, worker, supervisor, county_bureau, child,
                                                     suixi_child):
    chikan_report = file(worker, child)
    suixi_report = file(supervisor, suixi_child)
    unregistered_in_suixi = file(supervisor, place=suixi_child.residence)
    unregistered_in_chikan = file(worker, place=child.residence)
    client = client_for(county_bureau)
    listed = {i.pk for i in client.get(reverse("cases:incident_list")).context["incidents"]}
    assert listed == {suixi_report.pk, unregistered_in_suixi.pk}
    assert client.get(suixi_report.get_absolute_url()).status_code == 200
    assert client.get(unregistered_in_suixi.get_absolute_url()).status_code == 200
    assert client.get(chikan_report.get_absolute_url()).status_code == 404
    assert client.get(unregistered_in_chikan.get_absolute_url()).status_code == 404


def test_county_bureau_is_notified_of_a_new_report_in_its_county(worker, supervisor, county_bureau, child,
                                                                 suixi_child):
    file(worker, child)
    assert not Notification.objects.filter(recipient=county_bureau).exists()
    file(supervisor, suixi_child)
    assert Notification.objects.filter(recipient=county_bureau).count() == 1


def test_lead_and_city_bureau_are_notified_of_a_new_report(worker, lead, bureau, child):
    incident = file(worker, child)
    for user in (lead, bureau):
        assert Notification.objects.get(recipient=user).url == incident.get_absolute_url()


def test_worker_sees_unregistered_child_reports_of_their_area_and_their_own(client_for, worker, other_worker, child):
    in_chikan = file(other_worker, place=child.residence)
    own_elsewhere = file(worker, place=Division.objects.get(code=SUIXI_VILLAGE))
    listed = {i.pk for i in client_for(worker).get(reverse("cases:incident_list")).context["incidents"]}
    assert listed == {in_chikan.pk, own_elsewhere.pk}


REPORTER = "王阿姨"


@pytest.mark.parametrize("viewer, sees", [
    ("supervisor", True), ("lead", True), ("bureau", True), ("filer", True),
    ("colleague", False), ("county_bureau", False),
])
def test_who_sees_the_reporter(request, client_for, worker, suixi_child, viewer, sees):
    filer = make_user("filer", Role.SOCIAL_WORKER, ["440823"])
    colleague = make_user("colleague", Role.SOCIAL_WORKER, ["440823"])
    incident = file(filer, suixi_child, reporter_kind="neighbour", reporter_name=REPORTER,
                    reporter_phone="13800138000")
    user = {"filer": filer, "colleague": colleague}.get(viewer) or request.getfixturevalue(viewer)
    response = client_for(user).get(incident.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert (REPORTER in page) is sees and ("13800138000" in page) is sees and ("filer" in page) is sees
    assert ("身份保密" in page) is not sees


def test_every_view_of_a_report_is_audited(client_for, worker, supervisor, child):
    incident = file(worker, child)
    client_for(worker).get(incident.get_absolute_url())
    client_for(supervisor).get(incident.get_absolute_url())
    views = AuditEntry.objects.filter(action="incident.view", target_id=str(incident.pk)).order_by("id")
    assert [(e.username, e.detail["reporter_shown"]) for e in views] == [("worker_chikan", True),
                                                                        ("supervisor", True)]
    client_for(worker).get(reverse("cases:incident_list"))
    assert AuditEntry.objects.get(action="incident.list").detail["ids"] == [incident.pk]


def test_supervisor_views_a_report_in_the_admin_and_it_is_audited(client_for, worker, supervisor, child):
    incident = file(worker, child, reporter_name=REPORTER)
    response = client_for(supervisor).get(reverse("admin:cases_incident_change", args=[incident.pk]))
    assert response.status_code == 200 and REPORTER in response.content.decode()
    assert AuditEntry.objects.filter(action="incident.view", target_id=str(incident.pk), username="supervisor").exists()


def test_admin_names_situations_and_shows_police_feedback(client_for, worker, supervisor, child):
    incident = file(worker, child, situations=("m4_abuse",))
    police = incident.notices.get(recipient="police")
    IncidentNotice.objects.filter(pk=police.pk).update(feedback="已出警，孩子已安置", receiver="王警官")
    client = client_for(supervisor)
    body = client.get(reverse("admin:cases_incident_change", args=[incident.pk])).content.decode()
    assert incident.situation_labels()[0] in body and "m4_abuse" not in body
    assert "公安反馈" in body and "已出警，孩子已安置" in body
    listing = client.get(reverse("admin:cases_incident_changelist")).content.decode()
    assert incident.situation_labels()[0] in listing and "本月活动" not in listing


def test_incident_list_query_count_does_not_grow(client_for, worker, django_assert_num_queries):
    client = client_for(worker)
    client.get(reverse("cases:incident_list"))  # the idle-timeout stamp is written now, not while counting
    for _ in range(2):
        file(worker, ChildFactory())

    def count_queries():
        # session, user, savepoint of the request's transaction, the worker's area codes, the count for the
        # pager, the page (children scoped by a subquery, recipients not yet told counted in the same query), savepoint,
        # the audit chain's last entry, the new entry, release, the nav's unread count, release;
        # on PostgreSQL one more: the advisory lock that keeps concurrent audit writers in order.
        with django_assert_num_queries(12 + (connection.vendor == "postgresql")) as captured:
            client.get(reverse("cases:incident_list"))
        return len(captured)

    first = count_queries()
    for _ in range(5):
        file(worker, ChildFactory())
    assert count_queries() == first


# ---------------------------------------------------------------- banner and timeline


def test_red_banner_until_every_required_recipient_is_logged(client_for, worker, supervisor, lead, bureau, child):
    incident = file(worker, child, situations=["alone"])
    for user in (worker, supervisor, lead):
        banners = client_for(user).get(reverse("home")).context["banners"]
        assert [b.level for b in banners] == ["danger"] and "1 份发现报告尚未处置完毕" in banners[0].text
    assert client_for(bureau).get(reverse("home")).context["banners"] == []
    log(incident, "civil_affairs", worker)
    log(incident, "village", worker)
    assert client_for(worker).get(reverse("home")).context["banners"] == []


def test_banner_stays_while_police_feedback_is_missing(client_for, worker, child):
    incident = file(worker, child, situations=["domestic_violence"])
    log(incident, "police", worker)
    log(incident, "civil_affairs", worker)
    assert len(client_for(worker).get(reverse("home")).context["banners"]) == 1
    incident_services.record_police_feedback(incident=incident, by=worker, received_at=timezone.now(),
                                             feedback="已出警，监护人被训诫")
    assert client_for(worker).get(reverse("home")).context["banners"] == []


def test_banner_is_not_shown_to_workers_who_cannot_see_the_report(client_for, worker, other_worker, child):
    file(worker, child)
    assert client_for(other_worker).get(reverse("home")).context["banners"] == []


def test_report_appears_on_the_childs_timeline(client_for, worker, child):
    from children.timeline import events_for

    incident = file(worker, child)
    events = events_for(child, worker)
    assert [e.url for e in events if e.kind == "incident"] == [incident.get_absolute_url()]


def test_demo_reports_are_seeded_once():
    from accounts import demo as accounts_demo
    from cases.incidents import demo as incident_demo

    accounts_demo.seed()
    ChildFactory()
    assert incident_demo.seed() == "2 discovery reports"
    assert incident_demo.seed() == "0 discovery reports"
    handled, alone = Incident.objects.order_by("reported_at")
    assert handled.status == "handled" and handled.case is not None
    assert alone.status == "open" and alone.child is None


def test_bureau_home_counts_open_reports_of_its_scope(client_for, worker, supervisor, bureau, county_bureau, child,
                                                     suixi_child):
    file(worker, child)
    file(supervisor, suixi_child)

    def card_value(user):
        cards = client_for(user).get(reverse("home")).context["cards"]
        return next(c.value for c in cards if str(c.title) == "未处置完毕的发现报告")

    assert card_value(bureau) == 2
    assert card_value(county_bureau) == 1


def test_child_search_finds_only_visible_registered_children(client_for, worker, other_worker, child):
    ChildFactory(name="林小雨", residence_id=SUIXI_VILLAGE)  # same name, another county
    url = reverse("cases:incident_child_options")
    response = client_for(worker).get(url, {"q": "小雨"})
    assert list(response.context["children"]) == [child]
    assert f'value="{child.pk}" selected' in response.content.decode()
    assert list(client_for(other_worker).get(url, {"q": "小雨"}).context["children"]) == []
    assert list(client_for(worker).get(url, {"q": ""}).context["children"]) == []


def test_a_long_registry_lists_only_the_chosen_child(client_for, worker, child, monkeypatch):
    from cases.incidents.forms import IncidentForm

    monkeypatch.setattr(IncidentForm, "FULL_LIST_LIMIT", 1)
    others = [ChildFactory(name=f"别的孩子{i}") for i in range(3)]
    client = client_for(worker)
    page = client.get(reverse("cases:incident_create") + f"?child={child.pk}").content.decode()
    assert 'id="child-search"' in page and child.name in page
    assert not any(other.name in page for other in others)
    # The search only narrows what is shown: any visible child is still accepted.
    response = client.post(reverse("cases:incident_create"), report_data(child=others[0].pk))
    assert response.status_code == 302 and Incident.objects.get().child == others[0]


def test_logging_an_unknown_recipient_is_404(client_for, worker, child):
    incident = file(worker, child)
    url = reverse("cases:incident_log_notice", args=[incident.pk, "newspaper"])
    assert client_for(worker).post(url, {}).status_code == 404


def test_the_list_pages_its_reports_and_counts_them_all(client_for, worker):
    """The list once stopped at 200 rows: a month of more reports than that showed fewer than the dashboard
    counted. Now it pages (50 a page) and the period line counts every report of the filter."""
    from cases.incidents.views import INCIDENTS_PER_PAGE

    child = ChildFactory(social_worker=worker)
    now = timezone.now()
    times = [now - datetime.timedelta(minutes=INCIDENTS_PER_PAGE + 3 - n) for n in range(INCIDENTS_PER_PAGE + 3)]
    Incident.objects.bulk_create([  # filed oldest first: the newest has the highest key
        Incident(situations=["alone"], child=child, discovered_at=at, place_id=child.residence_id,
                 reporter_kind="self", reported_by=worker, reported_at=at) for at in times])
    newest_first = list(Incident.objects.order_by("-reported_at", "-id").values_list("pk", flat=True))
    client = client_for(worker)
    period = {"reported_from": timezone.localdate(times[0]).isoformat(), "reported_to": timezone.localdate().isoformat()}
    first = client.get(reverse("cases:incident_list"), period)
    assert [i.pk for i in first.context["incidents"]] == newest_first[:INCIDENTS_PER_PAGE]  # newest first
    body = first.content.decode()
    assert f"至{period['reported_to']}：{INCIDENTS_PER_PAGE + 3}份。" in body
    assert (f'href="?reported_from={period["reported_from"]}&amp;reported_to={period["reported_to"]}&amp;page=2"'
            in body)
    second = client.get(reverse("cases:incident_list"), {**period, "page": 2})
    assert [i.pk for i in second.context["incidents"]] == newest_first[INCIDENTS_PER_PAGE:]
