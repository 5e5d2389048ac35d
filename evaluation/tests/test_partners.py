"""Partners (合作单位) as records linked to the resource directory, and their feedback."""

import pytest
from django.urls import reverse

from cases.models import Resource, ResourceType
from evaluation.models import Partner, PartnerFeedback

pytestmark = pytest.mark.django_db

SUIXI = "440823"


@pytest.fixture
def partner(worker):
    return Partner.objects.create(name="赤坎区中华街道中心小学", kind="school", county_id="440802", created_by=worker)


def feedback_form(**overrides):
    data = {"received_on": "2026-11-20", "channel": "meeting", "given_by": "王校长", "cooperation": "5",
            "responsiveness": "4", "effect": "4", "comments": "社工每周到校"}
    data.update(overrides)
    return data


def test_a_partner_from_the_resource_directory_takes_its_name(client_for, worker):
    resource = Resource.objects.create(name="湛江市儿童福利院", type=ResourceType.objects.first())
    response = client_for(worker).post(reverse("evaluation:partner_create"), {
        "name": "", "kind": "charity", "county": "", "resource": resource.pk, "contact_person": "", "phone": ""})
    partner = Partner.objects.get()
    assert response.status_code == 302 and response.url == partner.get_absolute_url()
    assert (partner.name, partner.resource, partner.created_by) == ("湛江市儿童福利院", resource, worker)
    # a resource already linked is not offered again
    form = client_for(worker).get(reverse("evaluation:partner_create")).context["form"]
    assert resource not in form.fields["resource"].queryset


def test_a_partner_without_name_or_resource_is_refused(client_for, worker):
    response = client_for(worker).post(reverse("evaluation:partner_create"), {"name": "", "kind": "school"})
    assert "请填写合作单位名称" in str(response.context["form"].errors)
    assert not Partner.objects.exists()


def test_a_partner_entered_twice_is_refused(client_for, worker, partner):
    response = client_for(worker).post(reverse("evaluation:partner_create"), {"name": partner.name, "kind": "school"})
    assert "已经登记" in str(response.context["form"].errors)
    assert Partner.objects.count() == 1


def test_staff_enter_feedback_from_a_meeting(client_for, worker, partner):
    url = reverse("evaluation:partner_feedback_add", args=[partner.pk])
    assert client_for(worker).post(url, feedback_form()).status_code == 302
    feedback = PartnerFeedback.objects.get()
    assert (feedback.given_by, feedback.cooperation, feedback.entered_by, feedback.channel) == (
        "王校长", 5, worker, "meeting")


@pytest.mark.parametrize("bad", ["0", "6", ""])
def test_a_rating_outside_1_to_5_is_refused(client_for, worker, partner, bad):
    response = client_for(worker).post(reverse("evaluation:partner_feedback_add", args=[partner.pk]),
                                       feedback_form(effect=bad))
    assert response.status_code == 400 and "1到5" in str(response.context["form"].errors)
    assert not PartnerFeedback.objects.exists()


def test_the_same_feedback_twice_is_refused(client_for, worker, partner):
    url = reverse("evaluation:partner_feedback_add", args=[partner.pk])
    client_for(worker).post(url, feedback_form())
    response = client_for(worker).post(url, feedback_form(comments="再录一次"))
    assert response.status_code == 400 and "已经登记过" in str(response.context["form"].errors)
    assert PartnerFeedback.objects.count() == 1


def test_who_sees_partner_feedback(client_for, partner, worker, other_worker, lead, supervisor, bureau,
                                   county_bureau, outsider, sysadmin):
    """The team and the city bureau; a county bureau only its county's partners; nobody else."""
    PartnerFeedback.objects.create(partner=partner, received_on="2026-11-20", channel="call", given_by="王校长",
                                   cooperation=5, responsiveness=5, effect=5, entered_by=worker)
    url = partner.get_absolute_url()
    for reader in (worker, other_worker, lead, supervisor, bureau):
        assert "王校长" in client_for(reader).get(url).content.decode(), reader
    for stranger in (county_bureau, outsider, sysadmin):
        assert client_for(stranger).get(url).status_code == 404, stranger
    suixi = Partner.objects.create(name="遂溪县某派出所", kind="police", county_id=SUIXI, created_by=worker)
    assert client_for(county_bureau).get(suixi.get_absolute_url()).status_code == 200


def test_read_only_users_get_403_on_post(client_for, bureau, partner):
    client = client_for(bureau)
    assert client.post(reverse("evaluation:partner_feedback_add", args=[partner.pk]), feedback_form()
                       ).status_code == 403
    assert client.post(reverse("evaluation:partner_create"), {"name": "x", "kind": "school"}).status_code == 403
    assert client.post(reverse("evaluation:partner_edit", args=[partner.pk]), {"name": "x"}).status_code == 403
    assert not PartnerFeedback.objects.exists() and Partner.objects.count() == 1


def test_another_worker_reads_but_does_not_edit_the_partner(client_for, other_worker, partner):
    assert client_for(other_worker).post(reverse("evaluation:partner_edit", args=[partner.pk]),
                                         {"name": "改名", "kind": "school"}).status_code == 403


def test_partner_list_query_count(client_for, worker, partner, django_assert_num_queries):
    for n in range(3):
        Partner.objects.create(name=f"村委会{n}", kind="village_committee", created_by=worker)
    client = client_for(worker)
    client.get(reverse("evaluation:partner_list"))  # the first request after signing in writes the session
    # session, user, the savepoint pair, the worker's areas, the page's count, the page (with county, resource
    # and feedback counts), unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("evaluation:partner_list"))
    assert len(response.context["page"]) == 4


def test_partner_list_pages_in_a_stable_order(client_for, worker, partner, recwarn):
    # the list is grouped (feedback counts), which drops Meta.ordering: without an explicit order the
    # paginator warns and rows may move between pages
    Partner.objects.create(name="湛江市爱心慈善会", kind="charity", created_by=worker)
    response = client_for(worker).get(reverse("evaluation:partner_list"))
    assert not [w for w in recwarn if "UnorderedObjectListWarning" in w.category.__name__]
    assert [p.kind for p in response.context["page"]] == ["charity", "school"]
