import datetime

import pytest

from children.tests.factories import ChildFactory
from visits.models import Visit


@pytest.fixture
def child(db):
    """A medium-high risk child of 赤坎区 (the `worker` persona's county)."""
    return ChildFactory(name="林小雨")


@pytest.fixture
def leizhou_child(db):
    return ChildFactory(name="陈小海", residence_id="440882001001")


def make_visit(child, by, *, on: datetime.date, type=Visit.Type.HOME, **extra) -> Visit:
    from visits import services

    visit = Visit(child=child, type=type, visited_on=on, duration_minutes=extra.pop("duration_minutes", 40),
                  child_seen=extra.pop("child_seen", True), **extra)
    return services.create_visit(visit=visit, by=by)
