"""The registry list and the 个人档案 lead to the actions a user may take, and only those."""

import pytest
from django.urls import reverse

from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_worker_list_offers_add_import_and_export_of_the_current_filter(client_for, worker):
    body = client_for(worker).get(reverse("children:list"), {"q": "张"}).content.decode()
    assert reverse("children:create") in body
    assert reverse("children:import") in body
    assert f'{reverse("children:export")}?q=%E5%BC%A0' in body


def test_bureau_list_offers_export_only(client_for, bureau):
    body = client_for(bureau).get(reverse("children:list")).content.decode()
    assert reverse("children:export") in body
    assert reverse("children:create") not in body and reverse("children:import") not in body


def test_profile_offers_recording_a_visit_to_the_worker_only(client_for, worker, bureau):
    child = ChildFactory()
    visit_url = reverse("visits:visit_create", args=[child.pk])
    assert visit_url in client_for(worker).get(child.get_absolute_url()).content.decode()
    assert visit_url not in client_for(bureau).get(child.get_absolute_url()).content.decode()
