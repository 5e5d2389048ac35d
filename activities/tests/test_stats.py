import datetime

import pytest

from activities.models import TrainingAttendee
from activities.stats import period_summary
from children.tests.factories import ChildFactory

from .factories import ActivityFactory, shanghai

pytestmark = pytest.mark.django_db

D = datetime.date


def test_year_summary_counts_held_activities_participants_and_people_trained(django_assert_num_queries):
    a = ActivityFactory(starts_at=shanghai(2026, 4, 1, 9), other_children_count=10, parents_count=5,
                        others_count=1, volunteer_count=2, volunteer_hours=6)
    a.registered_children.set(ChildFactory.create_batch(3))
    ActivityFactory(starts_at=shanghai(2026, 4, 2, 9), status="planned", other_children_count=99)
    ActivityFactory(starts_at=shanghai(2027, 3, 15, 0, 30), other_children_count=50)  # after the period
    training = ActivityFactory(kind="training", starts_at=shanghai(2026, 5, 1, 9))
    for name, position, division in [("甲", "child_supervisor", "440802001"), ("乙", "child_director", "440802001001"),
                                     ("丙", "child_director", "440802001002")]:
        TrainingAttendee.objects.create(activity=training, name=name, position=position, division_id=division)
    with django_assert_num_queries(3):  # activities by kind, attendances by kind, trainees by position
        summary = period_summary(D(2026, 3, 15), D(2027, 3, 14))
    community = next(k for k in summary["kinds"] if k.kind == "community_education")
    assert (community.held, community.planned, community.participants, community.registered_children,
            community.volunteer_hours) == (1, 1, 19, 3, 6.0)
    assert summary["trained"] == {"儿童主任": 2, "儿童督导员": 1}
