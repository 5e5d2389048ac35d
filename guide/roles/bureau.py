"""The chapter for the 民政局和县（市、区）民政局 (docs/guide/bureau.md); see guide/roles/__init__.py."""

import base64
import html
import json
import subprocess
import tempfile
from pathlib import Path

from accounts.policy import Role

SLUG = "bureau"
TITLE = "民政局和县（市、区）民政局"
ROLES = (Role.BUREAU, Role.COUNTY_BUREAU,)
WIDTH = 1280
HELP = {
    "home": "home",
    "accounts:notifications": "home",
    "reports:dashboard": "dashboard",
    "reports:index": "download-report",
    "reports:detail": "download-report",
    "cases:list": "cases",
    "cases:detail": "cases",
    "cases:incident_list": "incidents",
    "cases:incident_detail": "incidents",
    "children:list": "registry",
    "children:detail": "registry",
    "activities:list": "registry",
    "evaluation:index": "registry",
    "accounts:team": "team",
    "handover:index": "handover",
}


def _shell(g, code: str) -> str:
    """The last line `code` prints in `manage.py shell` (the shell may print a line of its own first)."""
    return g.shell(code).splitlines()[-1]


# Two monthly summaries the project lead has signed off and submitted (made here, as the lead would, so the chapter
# does not depend on the lead's chapter having run): the latest ended months whose summary is not yet received
# and not waiting for the supervisor's review.
REPORTS_SETUP = """
import datetime, json
from accounts.dates import local_today
from accounts.models import User
from reports import services
from reports.models import Report

lead = User.objects.get(username='lead')
day, found = local_today().replace(day=1) - datetime.timedelta(days=1), []
while len(found) < 2:
    period = f'{day:%Y-%m}'
    day = day.replace(day=1) - datetime.timedelta(days=1)
    report = Report.objects.filter(kind='monthly', period=period).order_by('-version').first()
    if report is not None and (report.status == Report.Status.RECEIVED or (
            report.status == Report.Status.DRAFT and services.review_state(report) is not None)):
        continue  # received already, or a draft the supervisor was asked to review (another chapter's)
    if report is None or report.status in (Report.Status.DRAFT, Report.Status.RETURNED):
        report, _queued = services.request_report(kind='monthly', period=period, county=None, by=lead)
        services.render(report.pk)
        report.refresh_from_db()
        services.sign_off(report=report, by=lead)
    if report.status == Report.Status.SIGNED_OFF:
        services.submit(report=report, by=lead)
    found.append(report.pk)
print(json.dumps(found))
"""

# A hand-over the project lead exported at the end of the contract (the newest finished one, or a new one).
HANDOVER_SETUP = """
from accounts.models import User
from handover import services
from handover.models import HandoverExport

if not HandoverExport.objects.filter(job_status=HandoverExport.Job.DONE).exists():
    job, _created = services.start_export(by=User.objects.get(username='lead'), include_pdfs=False)
    services.run_export(job.pk)
print('ok')
"""


def _click(g, button):
    g.page.get_by_role("button", name=button, exact=True).first.click()
    g.page.wait_for_load_state("networkidle")


def _download(g, link) -> Path:
    with g.page.expect_download() as download:
        g.page.get_by_role("link", name=link).first.click()
    target = Path(tempfile.mkdtemp(prefix="guide-bureau-")) / download.value.suggested_filename
    download.value.save_as(target)
    return target


def _show_pdf(g, pdf: Path):
    """The first two pages of a downloaded PDF, side by side, as the reader sees them (pdftoppm, poppler)."""
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(pdf.with_suffix(""))],
                   check=True, capture_output=True, timeout=60)
    pages = sorted(pdf.parent.glob(f"{pdf.stem}*.png"))
    pages = pages[:1] + pages[2:]  # the cover and the first page of figures (the second is the contents)
    images = "".join(f'<img style="border:1px solid #999;margin:8px" src="data:image/png;base64,'
                     f'{base64.b64encode(page.read_bytes()).decode()}">' for page in pages)
    g.page.set_content(f'<body style="margin:0;background:#ddd">{images}</body>')


def _show_xlsx(g, xlsx: Path):
    """The sheet names and the first rows of the second sheet of a downloaded xlsx, as a spreadsheet shows them."""
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True)
    tabs = "".join(f'<span style="border:1px solid #999;padding:2px 8px;margin-right:2px;'
                   f'background:{"#fff" if index == 1 else "#eee"}">{html.escape(name)}</span>'
                   for index, name in enumerate(book.sheetnames))
    sheet = book.worksheets[1 if len(book.worksheets) > 1 else 0]
    values = [list(row) for row in sheet.iter_rows(max_row=25, max_col=8, values_only=True)]
    width = max((index + 1 for row in values for index, value in enumerate(row) if value not in (None, "")), default=1)
    rows = "".join("<tr>" + "".join(f'<td style="border:1px solid #ccc;padding:2px 6px;min-width:60px">'
                                    f'{html.escape("" if value is None else str(value))}</td>' for value in row[:width])
                   + "</tr>" for row in values)
    g.page.set_content(f'<body style="font-family:sans-serif;font-size:13px;margin:8px">'
                       f'<p><b>{html.escape(xlsx.name)}</b></p><table style="border-collapse:collapse">{rows}</table>'
                       f'<p style="margin-top:12px">{tabs}</p></body>')


def shots(g):
    received, returned = json.loads(_shell(g, REPORTS_SETUP))
    _shell(g, HANDOVER_SETUP)

    # --- 工作台和数据看板 -----------------------------------------------------------------------------
    g.login("bureau")
    g.shot("bureau-home")
    g.goto("accounts:notifications")
    g.shot("bureau-notifications")
    g.goto("reports:dashboard")
    g.shot("bureau-dashboard")

    # --- 下载月度工作总结 -----------------------------------------------------------------------------
    g.goto("reports:index")
    g.shot("bureau-reports")
    g.goto("reports:detail", received)
    g.shot("bureau-report")
    pdf = _download(g, "下载PDF")
    xlsx = _download(g, "下载xlsx")
    _show_pdf(g, pdf)
    g.shot("bureau-report-pdf")
    _show_xlsx(g, xlsx)
    g.shot("bureau-report-xlsx")

    # --- 签收或退回报告 -------------------------------------------------------------------------------
    g.goto("reports:detail", received)
    _click(g, "接收")
    g.shot("bureau-report-received")
    g.goto("reports:detail", returned)
    _click(g, "退回修改")
    g.shot("bureau-return-refused")
    g.page.fill("textarea[name=comment]", "“存在的问题和困难”请写明涉及哪几个村（居），并附下月核对时间。")
    g.shot("bureau-return-form")
    _click(g, "退回修改")
    g.shot("bureau-report-returned")

    # --- 查看个案（只读） -----------------------------------------------------------------------------
    g.goto("cases:list")
    g.shot("bureau-cases")
    case = _shell(g, "from cases.models import Case\n"
                     "print((Case.objects.filter(stage='intervention').first() or Case.objects.first()).pk)")
    g.goto("cases:detail", case)
    g.shot("bureau-case")

    # --- 查看发现报告 --------------------------------------------------------------------------------
    g.goto("cases:incident_list")
    g.shot("bureau-incidents")
    incident = _shell(g, "from cases.models import Incident\nprint(Incident.objects.order_by('-id').first().pk)")
    g.goto("cases:incident_detail", incident)
    g.shot("bureau-incident")

    # --- 台账、活动和成效评估 ----------------------------------------------------------------------------
    g.goto("children:list")
    g.shot("bureau-registry", full_page=False)
    g.goto("activities:list")
    g.shot("bureau-activities", full_page=False)
    g.goto("evaluation:index")
    g.shot("bureau-evaluation", full_page=False)

    # --- 团队 -------------------------------------------------------------------------------------
    g.goto("accounts:team")
    g.shot("bureau-team")

    # --- 接收移交档案 --------------------------------------------------------------------------------
    g.goto("handover:index")
    g.shot("bureau-handover")
    _download(g, "下载档案移交包")
    g.page.goto(g.url("handover:download") + "?t=old")
    g.shot("bureau-link-expired")

    # --- 县（市、区）民政局只能看到本县 ------------------------------------------------------------------------
    g.login("county_bureau")
    g.shot("bureau-county-home")
    g.goto("children:list")
    g.shot("bureau-county-registry", full_page=False)
    g.goto("reports:dashboard")
    g.shot("bureau-county-dashboard")
    g.goto("reports:detail", received)
    g.shot("bureau-county-report")
    other = _shell(g, "from children.models import Child\n"
                      "print(Child.objects.exclude(residence__code__startswith='440823').order_by('id').first().name)")
    g.goto("children:list")
    g.page.fill("input[name=q]", other)
    g.page.get_by_role("button", name="搜索").first.click()
    g.page.wait_for_load_state("networkidle")
    g.shot("bureau-county-not-found")
    g.page.goto(g.url("children:import"))
    g.shot("bureau-county-forbidden")
