"""The bureau's navigation reaches cases, which it reads but cannot change (issue 15 item 6)."""

import pytest
from django.urls import reverse

from cases import services
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

CHANGE_URLS = ["case_create", "note_add", "service_add", "referral_add", "assess", "plan", "evaluate", "close"]


@pytest.fixture
def case(worker):
    child = ChildFactory(name="林小雨")
    return services.open_case(child=child, by=worker, source="visit", source_note="", reason="家中无人照看")


@pytest.mark.parametrize("persona", ["bureau", "county_bureau", "worker"])
def test_the_navigation_shows_cases(client_for, request, persona):
    html = client_for(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    assert f'href="{reverse("cases:list")}"' in html


def test_the_administrator_has_no_cases_link(client_for, sysadmin):
    html = client_for(sysadmin).get(reverse("home")).content.decode()
    assert f'href="{reverse("cases:list")}"' not in html


def test_bureau_reads_the_list_and_the_case_without_change_buttons(client_for, bureau, case):
    client = client_for(bureau)
    listing = client.get(reverse("cases:list"))
    assert listing.status_code == 200 and list(listing.context["cases"]) == [case]
    detail = client.get(case.get_absolute_url())
    assert detail.status_code == 200 and detail.context["can_change"] is False
    for html in (listing.content.decode(), detail.content.decode()):
        for name in CHANGE_URLS:
            target = reverse(f"cases:{name}") if name == "case_create" else reverse(f"cases:{name}", args=[case.pk])
            assert f'href="{target}"' not in html and f'action="{target}"' not in html, name
    assert client.post(reverse("cases:note_add", args=[case.pk]), {"text": "x"}).status_code == 403


def test_the_worker_sees_the_change_buttons(client_for, worker, case):
    """The check above can fail: the same page shows the worker what the bureau does not get."""
    html = client_for(worker).get(case.get_absolute_url()).content.decode()
    assert client_for(worker).get(reverse("cases:list")).status_code == 200
    assert any(reverse(f"cases:{name}", args=[case.pk]) in html for name in CHANGE_URLS[1:])
