"""The home page's count cards are kept a minute per user (accounts.countcache, issue 17): a second view
runs none of their queries, whatever the size of the registry, and a change shows on the next view."""

import datetime

import time_machine
from django.urls import reverse

from children.tests.factories import ChildFactory

HOME = reverse("home")


def _cards(response) -> dict:
    return {str(card.title): card.value for card in response.context["cards"]}


def test_the_count_cards_are_kept_per_user_and_a_change_shows_at_once(client_for, lead, worker,
                                                                      django_assert_max_num_queries):
    ChildFactory.create_batch(2, social_worker=worker, risk_level="")
    client = client_for(lead)
    first = client.get(HOME)
    assert _cards(first)["待复评"] == 2  # never assessed
    with django_assert_max_num_queries(12) as kept:  # session, user, bell, banners: no card's count
        second = client.get(HOME)
    assert _cards(second) == _cards(first)
    ChildFactory.create_batch(30, social_worker=worker)  # a change: the kept counts are out of date
    with django_assert_max_num_queries(len(kept.captured_queries) + 40):
        third = client.get(HOME)
    assert _cards(third)["待复评"] == 32
    with django_assert_max_num_queries(len(kept.captured_queries)):  # kept again, whatever the size
        assert _cards(client.get(HOME)) == _cards(third)


def test_kept_counts_expire_after_a_minute_and_are_not_shared_between_users(client_for, lead, supervisor):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        client = client_for(lead)
        client.get(HOME)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as kept:
            client.get(HOME)
        with CaptureQueriesContext(connection) as other:
            client_for(supervisor).get(HOME)
        assert len(other.captured_queries) > len(kept.captured_queries)
        clock.shift(61)
        with CaptureQueriesContext(connection) as expired:
            client.get(HOME)
        assert len(expired.captured_queries) > len(kept.captured_queries)
