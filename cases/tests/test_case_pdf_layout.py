"""The case archive PDF of a long case (issue 12 item 6): the 评估 section is a table in which each
goal's rating sits on the goal's own row, checked on the text pdftotext -layout reads back."""

import datetime
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, Evaluation, PlanGoal, ServiceRecord

from .case_helpers import approve_plan, assess, close, service_type

pytestmark = pytest.mark.django_db
S = Case.Stage

LONG = ("孩子与祖母同住，父母在广州务工，每逢周末才通过视频联系；祖母年迈且患有高血压，"
        "照料力不从心，孩子放学后常独自在家，附近有池塘，暑期溺水风险较高。")
RESULTS = ["achieved", "partly", "not_achieved", "achieved", "partly"]
LABELS = {"achieved": "已达成", "partly": "部分达成", "not_achieved": "未达成"}


def long_case(case, worker, supervisor) -> list[PlanGoal]:
    assess(case, worker)
    plan = services.plan_for_editing(case, worker)
    plan.summary = LONG * 2
    plan.save()
    goals = [PlanGoal.objects.create(plan=plan, order=n, text=f"目标{'一二三四五'[n]}：{LONG}", measure="社工每月核对")
             for n in range(5)]
    plan.services.create(service_type=service_type("family_education"), owner="社工", description=LONG[:100],
                         starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2027, 5, 31))
    services.plan_saved(case=case, plan=plan, by=worker, fingerprint_before="")
    case.refresh_from_db()
    approve_plan(case, worker, supervisor)
    for n in range(20):
        services.record_service(case=case, by=worker, record=ServiceRecord(
            service_type=service_type("companionship"), duration_minutes=60, participants=["child"],
            content=f"第{n + 1}次服务：{LONG}", result=LONG[:60]))
    services.record_evaluation(case=case, by=worker, evaluation=Evaluation(summary=LONG * 3), results={
        g.pk: (RESULTS[n], f"评语{n + 1}：{LONG[:70]}") for n, g in enumerate(goals)})
    case.refresh_from_db()
    close(case, worker, supervisor)
    return goals


def test_each_goal_rating_is_on_the_goal_row_of_a_long_case(client_for, worker, supervisor, case, tmp_path):
    long_case(case, worker, supervisor)
    response = client_for(worker).get(reverse("cases:pdf", args=[case.pk]))
    assert response.status_code == 200
    pdf = tmp_path / "case.pdf"
    pdf.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = text.splitlines()
    if os.environ.get("CASE_PDF_PNG_DIR"):  # to look at the pages: CASE_PDF_PNG_DIR=/tmp/x pytest ...
        out = Path(os.environ["CASE_PDF_PNG_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "page")], check=True)
    assert any("序号" in line and "服务目标" in line and "结果" in line for line in lines)  # the table's header
    for n, result in enumerate(RESULTS):
        row = [line for line in lines if re.match(rf"\s*{n + 1}\s+目标{'一二三四五'[n]}：", line)]  # the table's row
        assert len(row) == 1, (n, row)
        assert LABELS[result] in row[0] and f"评语{n + 1}" in row[0], row[0]
    assert "第20次服务" in text and "结案" in text  # every section is there
