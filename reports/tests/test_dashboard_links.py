"""Dashboard numbers link to the filtered list behind them, and the supervisor gets the dashboard too
(issue 15 item 6)."""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from .conftest import make_dataset

pytestmark = pytest.mark.django_db


def headline(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    return {str(label): (value, url) for label, value, url in response.context["headline"]}


def test_two_numbers_equal_the_count_of_the_list_they_link_to(contract, worker, lead, client_for):
    make_dataset(worker)
    make_dataset(worker, suffix="2")
    client = client_for(lead)
    numbers = headline(client)
    page = client.get(reverse("reports:dashboard")).content.decode()
    high = next(label for label, (_value, url) in numbers.items() if url.endswith("?risk=high"))
    for label in ("期末在册儿童", high):
        value, url = numbers[label]
        assert value > 0 and f'href="{url}"'.replace("&", "&amp;") in page
        assert resolve(urlsplit(url).path).view_name == "children:list"
        listing = client.get(url)
        assert listing.status_code == 200 and listing.context["page"].paginator.count == value, label


def test_the_supervisor_sees_the_same_figures_as_the_lead(contract, worker, lead, supervisor, client_for):
    make_dataset(worker)
    as_supervisor = headline(client_for(supervisor))
    assert as_supervisor == headline(client_for(lead)) and as_supervisor["期末在册儿童"][0] > 0
