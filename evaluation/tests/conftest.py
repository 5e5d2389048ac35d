"""Fixtures of the evaluation tests: a case of the `worker` persona walked to closure through its real steps."""

import pytest

from cases import services as case_services
from cases.models import Case
from cases.tests.case_helpers import case_through
from children.tests.factories import ChildFactory

LEIZHOU_VILLAGE = "440882001001"
SUIXI_VILLAGE = "440823001001"


def closed_case_for(worker, supervisor, **child) -> Case:
    child = ChildFactory(social_worker=worker, **child)
    case = case_services.open_case(child=child, by=worker, source=Case.Source.VISIT, source_note="入户探访发现",
                                   reason="祖母年迈，孩子常独自在家")
    return case_through(case, worker, supervisor, Case.Stage.CLOSED)


@pytest.fixture
def closed_case(worker, supervisor):
    """A case of a child of 赤坎区 in the worker's caseload, closed with the supervisor's approval."""
    return closed_case_for(worker, supervisor, name="陈小明")


def answers(question_set, *scores, **fields) -> dict:
    """The POST data of a survey: one score per question of `question_set`, in order."""
    data = {"respondent": "guardian", "method": "in_person", "done_on": "", "comment": "奶奶说社工很耐心"}
    for question, score in zip(question_set.questions.all(), scores, strict=True):
        data[f"q{question.pk}"] = str(score)
    data.update(fields)
    return data
