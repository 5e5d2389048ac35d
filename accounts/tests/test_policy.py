import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.home import cards_for, register_card
from accounts.policy import ROLE_CAPABILITIES, Can, Role, allows, get_changeable_or_404, roles_with
from accounts.registry import Registry, RegistryError
from children.models import Child
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_every_role_has_a_row_in_the_policy():
    assert set(ROLE_CAPABILITIES) == set(Role.values)


def test_read_only_roles_do_no_casework_and_the_administrator_sees_no_child():
    for role in (Role.BUREAU, Role.COUNTY_BUREAU, Role.ADMIN):
        assert Can.DO_CASEWORK not in ROLE_CAPABILITIES[role]
    assert not {Can.SEE_PROJECT, Can.SEE_AREA, Can.SEE_REGISTRY} & ROLE_CAPABILITIES[Role.ADMIN]
    # Every role that sees the registry sees it either project-wide or by area, never both.
    for role in roles_with(Can.SEE_REGISTRY):
        assert (Can.SEE_PROJECT in ROLE_CAPABILITIES[role]) != (Can.SEE_AREA in ROLE_CAPABILITIES[role])


def test_inactive_or_anonymous_users_can_nothing(worker):
    from django.contrib.auth.models import AnonymousUser

    assert worker.can(Can.DO_CASEWORK) and worker.caps.do_casework
    worker.is_active = False
    assert not worker.can(Can.DO_CASEWORK) and worker.is_read_only
    assert not allows(AnonymousUser(), Can.SEE_REGISTRY)


def test_templates_read_capabilities_by_name_and_a_typo_is_an_error(worker, bureau):
    assert bureau.caps.review_articles and not worker.caps.review_articles
    with pytest.raises(AttributeError):
        worker.caps.do_casewrok  # noqa: B018


def test_get_changeable_is_404_when_not_visible_then_403_when_read_only(worker, other_worker, county_bureau):
    child = ChildFactory()  # lives in 赤坎区, the worker's area
    assert get_changeable_or_404(Child.objects, worker, pk=child.pk) == child
    with pytest.raises(Http404):
        get_changeable_or_404(Child.objects, other_worker, pk=child.pk)
    suixi_child = ChildFactory(residence_id="440823101200")
    with pytest.raises(PermissionDenied):
        get_changeable_or_404(Child.objects, county_bureau, pk=suixi_child.pk)


def test_a_second_item_at_a_taken_position_is_refused():
    registry = Registry("test")
    registry.register("a", order=1)
    registry.register("a", order=1)  # the same item again: ignored
    with pytest.raises(RegistryError):
        registry.register("b", order=1)
    registry.register("c")
    assert list(registry) == ["a", "c"]


def test_home_cards_can_be_replaced_in_a_test_without_private_names(rf, worker):
    from accounts.home import Card, cards

    request = rf.get("/")
    request.user = worker
    with cards.replaced():
        assert cards_for(request) == []
        register_card(order=1, func=lambda request: Card(title="only this"))
        assert [c.title for c in cards_for(request)] == ["only this"]
    assert "only this" not in [c.title for c in cards_for(request)]
