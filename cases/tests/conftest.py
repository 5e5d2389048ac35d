"""Fixtures of the cases app's tests (case files: see case_helpers.py for the step builders)."""

import pytest

from cases import services
from cases.models import Case
from children.tests.factories import ChildFactory


@pytest.fixture
def child(worker):
    """A child of 赤坎区 in the `worker` persona's caseload."""
    return ChildFactory(social_worker=worker)


@pytest.fixture
def case(child, worker):
    """A case just opened from a visit by the `worker` persona."""
    return services.open_case(child=child, by=worker, source=Case.Source.VISIT, source_note="入户探访发现",
                              reason="祖母年迈，孩子常独自在家")
