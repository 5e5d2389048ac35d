"""`manage.py generate_report`: for each kind, a PDF whose text holds the Chinese headings, the right totals and
塘㙍镇's village, every font embedded, an xlsx beside it; bad input refused in Chinese with nothing written."""

import subprocess

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

KINDS = [("monthly", "2026-11", "月度工作总结"), ("quarterly", "2026-Q3", "季度服务报告"),
         ("semiannual", "C2026-H1", "中期总结"), ("annual", "C2026", "全年服务总结"),
         ("analysis", "2026-11", "工作分析报告")]


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def fonts_embedded(path) -> list[str]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert lines, "no fonts at all"
    return [line.split()[-5] for line in lines]  # the "emb" column


@pytest.mark.parametrize(("kind", "period", "heading"), KINDS)
def test_each_kind_writes_a_pdf_and_an_xlsx(dataset, tmp_path, kind, period, heading):
    out = tmp_path / f"{kind}.pdf"
    call_command("generate_report", kind=kind, period=period, output=str(out), stdout=open("/dev/null", "w"))
    text = "".join(pdf_text(out).split())
    for words in (heading, "目录", "台账儿童", "探访", "个案帮扶", "发现报告", "成效评估", "尚未记录", "第2页共"):
        assert words in text, words
    assert set(fonts_embedded(out)) == {"yes"}
    assert load_workbook(out.with_suffix(".xlsx")).sheetnames[0] == "封面"


def test_november_totals_and_the_rare_character(dataset, tmp_path):
    out = tmp_path / "m.pdf"
    call_command("generate_report", kind="monthly", period="2026-11", output=str(out), stdout=open("/dev/null", "w"))
    text = " ".join(pdf_text(out).split())
    assert "期末在册儿童 3" in text
    assert "本期纳入 1" in text
    assert "探访次数 2" in text
    assert "……尚未探访 2" in text
    assert "塘㙍村委会" in text  # 乙 lives in 吴川市塘㙍镇, missed this month
    assert "草稿" not in text  # November is over on 1 December
    book = load_workbook(out.with_suffix(".xlsx"))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "塘㙍村委会" in cells


def test_county_analysis_holds_only_that_county(dataset, tmp_path):
    out = tmp_path / "a.pdf"
    call_command("generate_report", kind="analysis", period="2026-11", county="440883", output=str(out),
                 stdout=open("/dev/null", "w"))
    text = " ".join(pdf_text(out).split())
    assert "吴川市" in text and "期末在册儿童 1" in text and "赤坎区" not in text


def test_a_period_in_progress_is_marked_draft(dataset, tmp_path):
    out = tmp_path / "d.pdf"
    call_command("generate_report", kind="monthly", period="2026-12", output=str(out), stdout=open("/dev/null", "w"))
    assert "草稿" in pdf_text(out) and "截至" in pdf_text(out)


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "monthly", "--period", "2027-01"], "尚未开始"),
    (["--kind", "monthly", "--period", "2026-02"], "合同开始"),
    (["--kind", "quarterly", "--period", "2026-11"], "2026-Q4"),
    (["--kind", "analysis", "--period", "2026-11", "--county", "440100"], "湛江"),
    (["--kind", "monthly", "--period", "2026-11", "--county", "440883"], "分析报告"),
])
def test_bad_input_is_refused_in_chinese_and_writes_nothing(contract, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("generate_report", *args, "--output", str(out))
    assert list(tmp_path.iterdir()) == []
