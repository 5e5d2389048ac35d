"""The archive PDF, the child timeline, home cards, reminders and demo data."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from accounts.demo import seed as seed_users
from accounts.models import AuditEntry, Notification
from accounts.services import latest_approval, return_for_revision
from cases import services
from cases.demo import seed
from cases.models import PLAN_APPROVAL, Case, Resource, SupervisionNote
from children.tests.factories import ChildFactory
from children.timeline import events_for

from .case_helpers import approve_plan, case_through, write_plan

pytestmark = pytest.mark.django_db
S = Case.Stage


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_archive_pdf_contains_every_recorded_step(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker, note="初稿")
    return_for_revision(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor, comment="目标请写具体")
    write_plan(case, worker, goals=("祖母掌握防溺水要点",))
    approve_plan(case, worker, supervisor)
    resource = Resource.objects.create(name="湛江市慈善总会", type_id=1)
    referral = services.refer(case=case, by=worker, resource=resource, need="申请助学金")
    services.update_referral(referral=referral, by=worker, status="declined", outcome="不符合申请条件")
    services.add_note(case=case, by=worker, text="班主任反映孩子上课更专注")
    SupervisionNote.objects.create(case=case, text="注意记录孩子本人的意见", created_by=supervisor)
    case_through(case, worker, supervisor, S.FOLLOW_UP)  # service, evaluation, closure, follow-up
    response = client_for(worker).get(reverse("cases:pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response).replace("\n", "")
    expected = [
        "个案帮扶完整记录", case.child.name, "接案", "入户探访发现", "祖母年迈，孩子常独自在家",  # intake
        "预估", "祖母73岁，照料力不从心", "放学后独自在家",  # assessment
        "服务计划", "每周与父母视频一次", "祖母掌握防溺水要点", "家庭教育指导",  # plan, both versions of the goals
        "提交审批", "初稿", "退回修改", "目标请写具体", "审批通过", "同意",  # approvals
        "服务记录", "陪伴写作业，聊学校生活", "孩子情绪稳定",  # service
        "转介", "湛江市慈善总会", "申请助学金", "不符合申请条件",  # referral and its outcome
        "个案记录", "班主任反映孩子上课更专注",  # note
        "督导记录", "注意记录孩子本人的意见",  # supervision note
        "评估", "目标基本达成", "已达成",  # evaluation goal by goal
        "结案", "照料稳定，亲子联系恢复", "同意结案",  # closure and its approval
        "回访", "一切安好",  # follow-up
        worker.full_name, supervisor.full_name,  # who
    ]
    missing = [t for t in expected if t not in text]
    assert missing == []
    assert AuditEntry.objects.filter(action="case.exported_pdf", target_id=str(case.pk)).exists()


def test_archive_pdf_lists_steps_in_time_order(worker, supervisor, case):
    from cases.pdf import case_entries

    case_through(case, worker, supervisor, S.CLOSED)
    whens = [e.when for e in case_entries(case, worker)]
    assert whens == sorted(whens) and len(whens) >= 10


def test_archive_keeps_the_approved_version_of_an_edited_plan(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.INTERVENTION)
    plan = case.plan
    before = plan.fingerprint()
    plan.goals.update(text="每周与父母视频两次")
    services.plan_saved(case=case, plan=plan, by=worker, fingerprint_before=before)
    text = _pdf_text(client_for(worker).get(reverse("cases:pdf", args=[case.pk]))).replace("\n", "")
    assert "每周与父母视频一次" in text and "每周与父母视频两次" in text


def test_family_calls_appear_in_the_archive(client_for, worker, case):
    from children import timeline

    def calls(child, user):
        yield timeline.Event(when=case.opened_on, kind="family_call", title="亲情连线（视频，25分钟）",
                             detail="孩子、母亲（广州务工）")

    with timeline.providers.including(calls):
        text = _pdf_text(client_for(worker).get(reverse("cases:pdf", args=[case.pk]))).replace("\n", "")
    assert "亲情连线（视频，25分钟）" in text and "母亲（广州务工）" in text


def test_case_steps_appear_on_the_child_timeline(worker, supervisor, case, other_worker):
    case_through(case, worker, supervisor, S.INTERVENTION)
    titles = [e.title for e in events_for(case.child, worker) if e.kind == "case"]
    assert any("接案" in t for t in titles) and any("介入" in t for t in titles)
    assert [e for e in events_for(case.child, other_worker) if e.kind == "case"] == []


def test_family_calls_registered_on_the_timeline_show_in_the_case(client_for, worker, case):
    from children import timeline

    def calls(child, user):
        yield timeline.Event(when=datetime.datetime.now(datetime.UTC), kind="family_call", title="与父亲视频20分钟")

    with timeline.providers.including(calls):
        body = client_for(worker).get(case.get_absolute_url()).content.decode()
    assert "亲情连线" in body and "与父亲视频20分钟" in body


def test_worker_home_cards(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.CLOSED)
    services.open_case(child=ChildFactory(social_worker=worker), by=worker, source="visit")
    with time_machine.travel(case.follow_ups.get(months_after=1).due_on, tick=False):
        cards = {str(c.title): c for c in client_for(worker).get(reverse("home")).context["cards"]}
        listed = client_for(worker).get(cards["本周应回访"].url).context["cases"]
    assert cards["我跟进中的个案"].value == 1
    assert cards["本周应回访"].value == 1
    assert list(listed) == [case]


def test_supervisor_home_cards(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker)
    late = services.open_case(child=ChildFactory(), by=worker, source="visit")
    Case.objects.filter(pk=late.pk).update(plan_due_on=datetime.date(2020, 1, 1))
    cards = {str(c.title): c for c in client_for(supervisor).get(reverse("home")).context["cards"]}
    assert cards["待审批的服务计划和结案"].value == 1
    assert cards["逾期的服务计划和回访"].value == 1
    assert "我跟进中的个案" not in cards


def test_follow_up_reminders_are_sent_once(worker, supervisor, case):
    case_through(case, worker, supervisor, S.CLOSED)
    one_month = case.follow_ups.get(months_after=1)
    with time_machine.travel(one_month.due_on - datetime.timedelta(days=2), tick=False):
        call_command_reminders()
        call_command_reminders()
    assert Notification.objects.filter(recipient=worker, key=f"case-followup:{one_month.pk}:due").count() == 1
    with time_machine.travel(one_month.due_on + datetime.timedelta(days=1), tick=False):
        call_command_reminders()
    assert Notification.objects.filter(key=f"case-followup:{one_month.pk}:overdue").count() == 2  # worker, supervisor


def test_overdue_plan_reminder(worker, supervisor, case):
    with time_machine.travel(case.plan_due_on + datetime.timedelta(days=1), tick=False):
        call_command_reminders()
        call_command_reminders()
    assert Notification.objects.filter(key__startswith=f"case-plan:{case.pk}:overdue").count() == 2


def call_command_reminders():
    from cases.tasks import send_case_reminders

    send_case_reminders()  # the body of the periodic task, run here in-process


def test_demo_seed_without_children_does_not_fail():
    seed_users()
    assert seed() == "5 resources, 0 cases"
    assert Resource.objects.count() >= 5
    assert not Case.objects.exists()


def test_demo_seed_makes_cases_at_each_stage_and_is_idempotent():
    seed_users()
    from accounts.models import User

    worker = User.objects.get(username="worker1")
    for _ in range(6):
        ChildFactory(social_worker=worker)
    seed()
    stages = set(Case.objects.values_list("stage", flat=True))
    assert stages == {S.INTAKE, S.ASSESSMENT, S.PLAN, S.INTERVENTION, S.EVALUATION, S.CLOSED}
    seed()
    assert Case.objects.count() == 6 and Resource.objects.count() == 5


def test_seed_demo_command_runs_the_cases_demo(settings):
    settings.DEBUG = True
    from django.core.management import call_command

    call_command("seed_demo")
    assert Resource.objects.count() == 5
