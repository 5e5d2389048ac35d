"""The chapter for the 项目负责人 (docs/guide/lead.md); see guide/roles/__init__.py."""

import json
import tempfile
from pathlib import Path

from accounts.policy import Role

SLUG = "lead"
TITLE = "项目负责人"
ROLES = (Role.PROJECT_LEAD,)
WIDTH = 1280
HELP = {
    "home": "home",
    "accounts:notifications": "home",
    "children:list": "assign",
    "children:detail": "assign",
    "children:edit": "assign",
    "children:import": "import",
    "children:import_preview": "import",
    "children:pending": "import",
    "cases:list": "approve-plan",
    "cases:detail": "approve-plan",
    "accounts:team": "team",
    "reports:index": "monthly-report",
    "reports:generate": "monthly-report",
    "reports:detail": "monthly-report",
    "reports:dashboard": "dashboard",
    "handover:index": "handover",
}

# Who a fictional child of the import is; its ID number is made fresh on each run (see _ledger_facts).
CHILD_NAME = "林小雨"


def _shell(g, code: str) -> str:
    """The last line `code` prints in `manage.py shell` (the shell may print a line of its own first)."""
    return g.shell(code).splitlines()[-1]


def _ledger_facts(g) -> dict:
    """A village of 赤坎区 as the ledger writes it, and an ID number no child of the registry has yet."""
    return json.loads(_shell(g,
        "import datetime, json\n"
        "from divisions.models import Division\n"
        "from children import idnumber\n"
        "from children.models import Child\n"
        "village = Division.objects.filter(level='village', code__startswith='440802').order_by('code').first()\n"
        "number = next(n for n in (idnumber.make('440802', datetime.date(2016, 5, 12), s, 'F') for s in range(100))\n"
        "              if not Child.objects.with_id_number(n).exists())\n"
        "print(json.dumps({'county': village.parent.parent.name, 'town': village.parent.name,\n"
        "                  'village': village.name, 'id_number': number}))"))


def _write_ledger(template: Path, target: Path, rows: list[dict]) -> Path:
    """The template the import page offers, filled in with `rows` ({header: value}) from its second row."""
    from openpyxl import load_workbook

    book = load_workbook(template)
    sheet = book.worksheets[0]
    column = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=number, column=column[header], value=value)
    book.save(target)
    return target


def _last_free_month(g) -> str:
    """The latest ended calendar month whose monthly summary is still a draft nobody was asked to review, or not
    made yet (another chapter may have signed off last month's already, or asked the supervisor to review it)."""
    return _shell(g,
        "import datetime\n"
        "from accounts.dates import local_today\n"
        "from reports.models import Report\n"
        "from reports.services import review_state\n"
        "def taken(period):\n"
        "    return any(r.status != 'draft' or review_state(r) is not None\n"
        "               for r in Report.objects.filter(kind='monthly', period=period, county=None))\n"
        "day = local_today().replace(day=1) - datetime.timedelta(days=1)\n"
        "while taken(f'{day:%Y-%m}'):\n"
        "    day = day.replace(day=1) - datetime.timedelta(days=1)\n"
        "print(f'{day:%Y-%m}')")


def _rendered(page) -> bool:
    return page.locator("#report-status a", has_text="下载PDF").count() > 0


def _click(g, button, **kwargs):
    g.page.get_by_role("button", name=button, exact=True, **kwargs).first.click()
    g.page.wait_for_load_state("networkidle")


def shots(g):
    # --- 登录和工作台 ---------------------------------------------------------------------------
    g.anonymous()
    g.goto("login")
    g.page.fill("input[name=username]", "lead")
    g.page.fill("input[name=password]", "••••••••••••")
    g.shot("lead-login")
    g.login("lead")
    g.shot("lead-home")
    g.goto("accounts:notifications")
    g.shot("lead-notifications")

    # --- 导入台账 -------------------------------------------------------------------------------
    facts = _ledger_facts(g)
    g.goto("children:import")
    g.shot("lead-import")
    work = Path(tempfile.mkdtemp(prefix="guide-lead-"))
    with g.page.expect_download() as download:
        g.page.get_by_role("link", name="下载导入模板").click()
    template = work / "template.xlsx"
    download.value.save_as(template)
    good = {"姓名": CHILD_NAME, "公民身份号码": facts["id_number"], "县（市、区）": facts["county"],
            "镇（街道）": facts["town"], "村（居）": facts["village"], "详细地址": "新村二巷5号",
            "儿童类别": "农村留守儿童", "监护人": "林国强", "与儿童关系": "祖父", "监护人电话": "13902221234",
            "父亲姓名": "林志明", "父亲务工地": "广东省东莞市", "母亲姓名": "陈丽", "母亲务工地": "广东省深圳市",
            "就学情况": "小学", "就读学校": "赤坎区第一小学"}
    bad_id = facts["id_number"][:-1] + ("1" if facts["id_number"][-1] != "1" else "2")
    bad = [good,
           {**good, "姓名": "林小海", "公民身份号码": bad_id},
           {**good, "姓名": "林小山", "公民身份号码": "", "村（居）": "不存在村"}]
    g.page.set_input_files("input[type=file]", str(_write_ledger(template, work / "台账（有错）.xlsx", bad)))
    g.shot("lead-import-chosen")
    _click(g, "上传并检查")
    g.shot("lead-import-problems")
    _click(g, "放弃，重新上传")
    g.page.set_input_files("input[type=file]", str(_write_ledger(template, work / "台账.xlsx", [good])))
    _click(g, "上传并检查")
    g.shot("lead-import-preview")
    _click(g, "导入这些儿童")
    g.shot("lead-import-done", full_page=False)

    # --- 分配儿童给社工 ---------------------------------------------------------------------------
    child = _shell(g, "from children.models import Child\n"
                    f"print(Child.objects.with_id_number('{facts['id_number']}').get().pk)")
    g.goto("children:detail", child)
    g.shot("lead-child")
    g.goto("children:edit", child)
    select = g.page.locator("select[name=social_worker]")
    select.select_option(label=select.locator("option", has_text="陈晓琳").first.inner_text())
    select.scroll_into_view_if_needed()
    g.page.evaluate("window.scrollBy(0, -250)")
    g.shot("lead-assign-form", full_page=False)
    _click(g, "保存")
    g.shot("lead-assign-done")

    # --- 审批服务计划 ---------------------------------------------------------------------------
    plans = json.loads(_shell(g, PLAN_SETUP))
    g.goto("/admin/cases/case/?pending=yes")
    g.shot("lead-plan-list")
    g.goto(f"/admin/cases/case/{plans['supervisor']}/change/")
    g.shot("lead-plan-case")
    g.page.get_by_role("link", name="阅读并审批或退回：服务计划").first.click()
    g.page.wait_for_load_state("networkidle")
    g.page.fill("textarea[name=comment]", "同意。请在两周内完成第一次家庭教育指导。")
    g.shot("lead-plan-decide")
    _click(g, "审核通过")
    g.shot("lead-plan-approved")
    g.goto(f"/admin/cases/case/{plans['worker']}/decide/")
    _click(g, "审核通过")
    g.shot("lead-plan-refused")

    # --- 查看团队和人员配置 -------------------------------------------------------------------------
    g.goto("accounts:team")
    g.shot("lead-team")

    # --- 生成月度工作总结、填写文字部分、签发、报送 ----------------------------------------------------------
    month = _last_free_month(g)
    this_month = _shell(g, "from accounts.dates import local_today\nprint(f'{local_today():%Y-%m}')")
    year, number = map(int, this_month.split("-"))
    next_month = f"{year + number // 12}-{number % 12 + 1:02d}"
    g.goto("reports:index")
    g.shot("lead-reports")
    g.page.select_option("select[name=kind]", "monthly")
    g.page.fill("input[name=period]", next_month)
    _click(g, "生成")
    g.shot("lead-report-refused")
    g.page.select_option("select[name=kind]", "monthly")
    g.page.fill("input[name=period]", month)
    g.shot("lead-report-form")
    _click(g, "生成")
    g.shot("lead-report-rendering")
    g.wait_for(_rendered, what="报告生成")
    g.shot("lead-report-ready")
    _write_narratives(g, "本月完成入户探访和电话探访，高风险家庭全部探访到位；新纳入台账儿童1名。",
                      "部分村（居）儿童主任更换，联系方式需重新核对。",
                      "下月完成待复评儿童的风险评估，组织一次防溺水安全教育活动。")
    g.shot("lead-report-narratives")
    _click(g, "保存")
    g.shot("lead-report-saved")
    _click(g, "重新生成")
    g.wait_for(_rendered, what="报告生成")
    _click(g, "签发")
    g.shot("lead-report-signed")
    _click(g, "报送民政局")
    g.shot("lead-report-submitted")
    report = g.page.url.rstrip("/").rsplit("/", 1)[-1]

    # --- 签发被拒绝：本月尚未结束 ---------------------------------------------------------------------
    g.goto("reports:index")
    g.page.select_option("select[name=kind]", "monthly")
    g.page.fill("input[name=period]", this_month)
    _click(g, "生成")
    g.wait_for(_rendered, what="报告生成")
    _click(g, "签发")
    g.shot("lead-report-sign-refused")

    # --- 被退回后修改再报送 ------------------------------------------------------------------------
    _shell(g, "from accounts.models import User\nfrom reports import services\nfrom reports.models import Report\n"
              f"services.decide(report=Report.objects.get(pk={report}), by=User.objects.get(username='bureau'),\n"
              "                received=False, comment='“存在的问题和困难”请写明涉及哪几个村（居），并附下月核对时间。')\n"
              "print('ok')")
    g.goto("accounts:notifications")
    g.shot("lead-report-returned-notice")
    g.goto("reports:detail", report)
    g.shot("lead-report-returned")
    _click(g, "生成新版本")
    g.wait_for(_rendered, what="报告生成")
    _write_narratives(g, None, "赤坎区中华街道、南桥街道共3个村（居）儿童主任更换，联系方式将于下月10日前核对完毕。",
                      None)
    _click(g, "保存")
    _click(g, "重新生成")
    g.wait_for(_rendered, what="报告生成")
    g.shot("lead-report-new-version")
    _click(g, "签发")
    _click(g, "报送民政局")
    g.shot("lead-report-resubmitted")

    # --- 看数据看板 ---------------------------------------------------------------------------------
    g.goto("reports:dashboard")
    g.shot("lead-dashboard")
    g.page.locator(".card", has_text="高风险（红）").locator("a").first.click()
    g.page.wait_for_load_state("networkidle")
    g.shot("lead-dashboard-list", full_page=False)

    # --- 合同期满移交档案 ------------------------------------------------------------------------------
    g.goto("handover:index")
    g.shot("lead-handover")
    _click(g, "导出档案移交包")
    g.shot("lead-handover-running")
    g.wait_for(lambda page: page.locator("#handover-status code").count() > 0, what="档案移交包导出")
    g.shot("lead-handover-done")


def _write_narratives(g, work_done, problems, next_steps):
    for name, text in (("work_done", work_done), ("problems", problems), ("next_steps", next_steps)):
        if text is not None:
            g.page.fill(f"textarea[name={name}]", text)


# The supervisor, the project's only one, writes and submits a plan: the project lead decides it (stand-in rule,
# docs/cases.md). A plan a social worker submitted is the supervisor's to decide: the lead is refused.
PLAN_SETUP = """
import json
from accounts.models import User
from accounts.services import pending_approval
from cases import services
from cases.demo import _walk
from cases.models import PLAN_APPROVAL, Case
from children.models import Child

supervisor = User.objects.get(username='supervisor')
free = Child.objects.in_registry().filter(cases__isnull=True).exclude(social_worker__isnull=True).order_by('id')
case = services.open_case(child=free[0], by=supervisor, source=Case.Source.VISIT, source_note='督导随同入户探访发现',
                          reason='父母外出务工，祖父母年迈，孩子放学后常独自在家')
_walk(case, Case.Stage.PLAN, supervisor, None)
waiting = [c for c in Case.objects.filter(stage=Case.Stage.PLAN).exclude(pk=case.pk).order_by('id')
           if (a := pending_approval(c, PLAN_APPROVAL)) and a.requested_by.role == 'social_worker']
if waiting:
    other = waiting[0]
else:
    child = free.exclude(pk=case.child_id)[0]
    other = services.open_case(child=child, by=child.social_worker, source=Case.Source.VISIT, source_note='入户探访发现',
                               reason='父母外出务工，祖母年迈')
    _walk(other, Case.Stage.PLAN, child.social_worker, None)
print(json.dumps({'supervisor': case.pk, 'worker': other.pk}))
"""
