"""The chapter for the 督导 (docs/guide/supervisor.md); see guide/roles/__init__.py."""

import json

from accounts.policy import Role

SLUG = "supervisor"
TITLE = "督导"
ROLES = (Role.SUPERVISOR,)
WIDTH = 1280
HELP = {
    "home": "home",
    "login": "home",
    "accounts:notifications": "home",
    "accounts:password_change": "home",
    "accounts:otp_manage": "home",
    "admin:index": "admin",
    "admin:cases_case_changelist": "find",
    "admin:cases_case_change": "approve",
    "admin:cases_case_decide": "approve",
    "admin:cases_supervisionnote_changelist": "supervision-note",
    "admin:cases_supervisionnote_add": "supervision-note",
    "admin:children_child_changelist": "find",
    "admin:children_riskassessment_changelist": "risk-review",
    "admin:accounts_staffrecord_changelist": "team",
    "admin:accounts_approval_changelist": "approve",
    "accounts:team": "team",
    "reports:index": "report-review",
    "reports:detail": "report-review",
    "reports:dashboard": "dashboard",
    "children:list": "other-pages",
    "visits:worklist": "other-pages",
    "cases:list": "other-pages",
    "cases:detail": "other-pages",
    "cases:incident_list": "other-pages",
    "activities:list": "other-pages",
    "evaluation:index": "other-pages",
}

# What the chapter needs pending, made by the social workers and the project lead with the same services their
# pages call: two service plans and one closure submitted for approval (on children without a case, so that
# the run does not depend on the demo's own cases), and a rendered report the lead asked the supervisor to review.
SETUP = r"""
import datetime, json
from django.core.exceptions import ValidationError
from accounts.dates import local_today
from accounts.models import User
from cases import services
from cases.demo import _walk
from cases.models import Case, Closure
from children.models import Child
from reports import services as reports
from reports.models import Report
from reports.tasks import render_report

supervisor = User.objects.get(username="supervisor")
lead = User.objects.get(username="lead")
free = list(Child.objects.in_registry().filter(cases__isnull=True).exclude(social_worker__isnull=True)
            .select_related("social_worker").order_by("id")[:3])
cases = []
for child, stage in zip(free, [Case.Stage.PLAN, Case.Stage.PLAN, Case.Stage.EVALUATION]):
    case = services.open_case(child=child, by=child.social_worker, source=Case.Source.VISIT, source_note="入户探访发现",
                              reason="父母外出务工，祖母年迈，孩子常独自在家",
                              opened_on=local_today() - datetime.timedelta(days=35))
    _walk(case, stage, child.social_worker, supervisor)
    if stage == Case.Stage.EVALUATION:
        services.request_closure(case=case, by=child.social_worker, reason=Closure.Reason.GOALS_MET,
                                 summary="照料安排稳定，父母每周视频通话，祖母能说出防溺水要点")
    cases.append(case.pk)

today = local_today()
first = today.replace(day=1)
last_month = first - datetime.timedelta(days=1)
quarter = (last_month.month - 1) // 3 + 1
candidates = [("monthly", f"{last_month:%Y-%m}"), ("quarterly", f"{last_month.year}-Q{quarter}"),
              ("monthly", f"{(last_month.replace(day=1) - datetime.timedelta(days=1)):%Y-%m}")]
report = None
for kind, period in candidates:
    try:
        report, _queued = reports.request_report(kind=kind, period=period, county=None, by=lead)
    except ValidationError:
        continue
    break
render_report(report.pk)
report.refresh_from_db()
if reports.review_state(report) is None or reports.review_state(report).status != "pending":
    reports.request_review(report=report, by=lead, note="请督导复核数字后我再签发")
print("SETUP=" + json.dumps({"cases": cases, "report": report.pk, "report_name": str(report)}))
"""


def _setup(g) -> dict:
    output = g.shell(SETUP)
    line = next(line for line in output.splitlines() if line.startswith("SETUP="))
    return json.loads(line.removeprefix("SETUP="))


def _open_decision(g, case_pk):
    g.goto("admin:cases_case_decide", case_pk)


def shots(g):
    ready = _setup(g)
    plan_ok, plan_back, closure = ready["cases"]
    page = g.page

    # --- 登录和工作台 -----------------------------------------------------------------------------
    page = g.anonymous()
    g.goto("login")
    page.fill("input[name=username]", "supervisor")
    g.shot("supervisor-login")
    page = g.login("supervisor")
    g.shot("supervisor-home")
    g.goto("admin:index")
    g.shot("supervisor-admin-index")

    # --- 审批服务计划和结案 -----------------------------------------------------------------------
    g.goto("home")
    page.locator("a[href*='/admin/cases/case/?pending=yes']").first.click()
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-pending-list")
    g.goto("admin:cases_case_change", plan_ok)
    g.shot("supervisor-case-admin")
    page.locator("a.button[href$='/decide/']").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_comment", "同意。请在下次入户时核对父母的视频通话记录，并记在服务记录里。")
    g.shot("supervisor-decide-plan")
    page.click("#decision-form button[value=approve]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-approved")

    _open_decision(g, plan_back)
    page.click("#decision-form button[value=return]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-return-refused")
    page.fill("#id_comment", "目标2“祖母掌握防溺水与用电安全要点”请写清楚怎样算达到，例如回访时能说出三条要点。")
    page.click("#decision-form button[value=return]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-returned")

    # a closure, decided through the list's action (one or several ticked cases, one confirmation page)
    g.goto("/admin/cases/case/?pending=yes")
    page.check(f"#result_list input.action-select[value='{closure}']")
    page.select_option("select[name=action]", "approve_pending")
    page.click("#changelist-form button[name=index]")
    page.wait_for_load_state("networkidle")
    page.fill("#id_comment", "同意结案，按期做1个月和3个月回访。")
    g.shot("supervisor-decide-closure")
    page.click("#decision-form button[value=approve]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-closure-approved")

    # --- 写督导记录 --------------------------------------------------------------------------------
    g.goto("admin:cases_supervisionnote_add")
    page.fill("#id_case", str(plan_back))
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-note-refused")
    page.fill("#id_text", "与陈晓琳一起讨论服务计划目标的写法：每个目标要写清可以观察到的变化和核对的办法。"
                          "下次个别督导时看修改后的计划。")
    g.shot("supervisor-note-form")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-note-saved")

    # --- 查找儿童和个案 ----------------------------------------------------------------------------
    g.goto("admin:children_child_changelist")
    page.click("#changelist-filter a[href*='risk_level__exact=high']")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-children-admin")
    g.goto("admin:cases_case_changelist")
    page.click("#changelist-filter a[href*='stage__exact=intervention']")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-cases-admin")
    g.goto("children:list")
    g.shot("supervisor-registry")

    # --- 审核风险评估 -------------------------------------------------------------------------------
    g.goto("/admin/children/riskassessment/?review_status__exact=pending")
    g.shot("supervisor-risk-reviews")
    page.locator("#result_list input.action-select").first.check()
    page.select_option("select[name=action]", "approve_reviews")
    page.click("#changelist-form button[name=index]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-risk-approved")

    # --- 团队和人员配置要求 -------------------------------------------------------------------------
    g.goto("accounts:team")
    g.shot("supervisor-team")
    g.goto("admin:accounts_staffrecord_changelist")
    g.shot("supervisor-staff-records")

    # --- 复核报告 -----------------------------------------------------------------------------------
    g.goto("reports:index")
    g.shot("supervisor-reports")
    g.goto("reports:detail", ready["report"])
    g.shot("supervisor-report-review")
    page.click("button[name=decision][value=return]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-report-refused")
    page.fill("#id_comment", "“尚未探访”的家庭数与数据看板不一致，请核对后重新生成。")
    page.click("button[name=decision][value=return]")
    page.wait_for_load_state("networkidle")
    g.shot("supervisor-report-returned")

    # --- 数据看板 -----------------------------------------------------------------------------------
    g.goto("reports:dashboard")
    g.shot("supervisor-dashboard")

    # --- 其他页面 -----------------------------------------------------------------------------------
    g.goto("cases:list")
    g.shot("supervisor-cases")
