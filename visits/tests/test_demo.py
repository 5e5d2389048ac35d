import pytest

from children.tests.factories import ChildFactory
from visits import demo
from visits.models import DueVisit, FamilyCall, FollowUpContact, Visit

pytestmark = pytest.mark.django_db


def test_seed_without_children_does_nothing_and_does_not_fail():
    assert demo.seed() == "0 visits"
    assert not Visit.objects.exists()


def test_seed_is_idempotent(worker):
    children = [ChildFactory() for _ in range(4)]
    demo.seed()
    counts = (Visit.objects.count(), FamilyCall.objects.count(), FollowUpContact.objects.count())
    demo.seed()
    assert counts == (Visit.objects.count(), FamilyCall.objects.count(), FollowUpContact.objects.count())
    assert counts[0] == 4 and counts[2] == 1
    assert DueVisit.objects.filter(child__in=children, kind="home").count() == 4
