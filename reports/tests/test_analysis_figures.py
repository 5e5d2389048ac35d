"""The analysis report's own figures (children.stats.analysis_figures) against numbers worked out by hand on
reports/tests/conftest.py's dataset, plus a category and a benefit: levels as at the period's last day, reasons
for risk, 应享未享 by benefit; a fixed number of queries; the section in the generated PDF."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from children import stats as child_stats
from children.models import Benefit, BenefitEnrolment, ChildCategory, RiskAssessment, RiskLevel

from .conftest import make_dataset
from .test_generate_report import pdf_text

D = datetime.date
LEVEL = {k: str(v) for k, v in RiskLevel.choices}


@pytest.fixture
def tagged(dataset, worker):
    """甲 and 乙 hold a category that suggests a benefit with no age limit; 乙 receives it, 甲 does not.
    甲's November assessment scores care 3 and safety 2 (reasons for risk)."""
    benefit = Benefit.objects.filter(min_age__isnull=True, below_age__isnull=True, categories__isnull=False).first()
    category = benefit.categories.order_by("pk").first()
    for child in (dataset["a"], dataset["b"]):
        ChildCategory.objects.create(child=child, category=category, recognised_on=D(2026, 9, 1), basis="核实")
    BenefitEnrolment.objects.create(child=dataset["b"], benefit=benefit, status=BenefitEnrolment.Status.RECEIVING,
                                    started_on=D(2026, 9, 1))
    RiskAssessment.objects.filter(child=dataset["a"], assessed_on=D(2026, 11, 3)).update(score_care=3, score_safety=2)
    return benefit, category


def test_cross_table_reasons_and_gaps_at_the_end_of_november(tagged):
    benefit, category = tagged
    f = child_stats.analysis_figures(D(2026, 11, 30))
    # 甲: high on 30 Nov (assessed 3 Nov), 11 years old; 乙: medium-high (never assessed: current level), 15
    assert [(r.category, r.risk, r.bands, r.total) for r in f.cross] == [
        (category.name, LEVEL["high"], [0, 1, 0, 0], 1),
        (category.name, LEVEL["medium_high"], [0, 0, 1, 0], 1)]
    # 甲 (high, 3 Nov) and 戊 (medium-high, 20 Oct) have an assessment; only 甲's scores 2 or more
    assert f.at_risk_assessed == 2
    assert {r.key: r.n for r in f.reasons} == {"family": 0, "care": 1, "schooling": 0, "health": 0,
                                                "economy": 0, "safety": 1}
    assert {r.key: r.n for r in f.gap_by_benefit}[str(benefit.pk)] == 1  # 甲 should receive it and does not


def test_levels_are_as_at_the_last_day_not_today(tagged):
    _benefit, category = tagged
    f = child_stats.analysis_figures(D(2026, 10, 31))
    # on 31 Oct 甲 was medium-high (assessed 1 Oct; raised to high only on 3 Nov); 乙 not yet in the registry
    assert [(r.category, r.risk, r.total) for r in f.cross] == [(category.name, LEVEL["medium_high"], 1)]
    assert f.at_risk_assessed == 2  # 甲 (1 Oct) and 戊 (20 Oct), neither with a score of 2 or more
    assert sum(r.n for r in f.reasons) == 0


def test_query_count_does_not_grow_with_the_data(tagged, worker):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            child_stats.analysis_figures(D(2026, 11, 30))
        return len(ctx.captured_queries)

    small = count()
    make_dataset(worker, suffix="二")
    make_dataset(worker, suffix="三")
    assert count() == small


def test_the_analysis_pdf_has_the_section(tagged, tmp_path):
    out = tmp_path / "a.pdf"
    call_command("generate_report", kind="analysis", period="2026-11", output=str(out), stdout=open("/dev/null", "w"))
    text = "".join(pdf_text(out).split())
    for words in ("工作分析报告", "风险成因", "应享未享", "12–15岁"):
        assert words in text, words
