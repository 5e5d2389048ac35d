import pytest
from django import forms
from django.urls import reverse

from divisions.forms import DivisionField
from divisions.models import Division

pytestmark = pytest.mark.django_db


def test_every_zhanjiang_division_is_loaded():
    assert Division.objects.filter(level="county").count() == 9
    assert Division.objects.filter(level="town").count() == 125
    assert Division.objects.filter(level="village").count() == 1992
    assert Division.objects.get(code="440802").name == "赤坎区"


def test_extension_a_town_name_is_kept():
    assert Division.objects.filter(name="塘㙍镇").exists()


def test_within_returns_the_subtree():
    chikan = Division.objects.within("440802")
    assert chikan.filter(level="county").count() == 1
    assert not chikan.exclude(code__startswith="440802").exists()
    assert chikan.filter(level="town").count() == Division.objects.filter(parent_id="440802").count()
    assert Division.objects.within("440800").count() == Division.objects.count()
    village = Division.objects.filter(level="village").first()
    assert list(Division.objects.within(village.code)) == [village]


def test_full_name_reads_county_town_village():
    village = Division.objects.filter(level="village", code__startswith="440882").first()
    assert village.full_name().startswith("雷州市")
    assert village.full_name().endswith(village.name)


def test_picker_lists_towns_of_a_county(client, worker):
    client.force_login(worker)
    response = client.get(reverse("divisions:options"), {"field": "place_county", "place_county": "440882"})
    assert response.status_code == 200
    codes = [d.code for d in response.context["divisions"]]
    assert codes and all(len(c) == 9 and c.startswith("440882") for c in codes)
    assert "镇（街道）" in response.content.decode()


def test_picker_lists_villages_of_a_town(client, worker):
    client.force_login(worker)
    town = Division.objects.filter(level="town", parent_id="440802").first()
    response = client.get(reverse("divisions:options"), {"field": "place_town", "place_town": town.code})
    assert {d.parent_id for d in response.context["divisions"]} == {town.code}


def test_picker_unknown_code_lists_nothing(client, worker):
    client.force_login(worker)
    response = client.get(reverse("divisions:options"), {"field": "x", "x": "999999"})
    assert response.status_code == 200 and list(response.context["divisions"]) == []


def test_picker_needs_sign_in(client):
    assert client.get(reverse("divisions:options")).status_code == 302


class PlaceForm(forms.Form):
    place = DivisionField()


def test_picker_field_takes_the_deepest_choice():
    village = Division.objects.filter(level="village").first()
    form = PlaceForm({"place_county": village.code[:6], "place_town": village.code[:9], "place_village": village.code})
    assert form.is_valid() and form.cleaned_data["place"] == village
    form = PlaceForm({"place_county": "440802", "place_town": "", "place_village": ""})
    assert form.is_valid() and form.cleaned_data["place"].code == "440802"


def test_picker_field_refuses_unknown_code_in_chinese():
    form = PlaceForm({"place_county": "123456"})
    assert not form.is_valid()
    assert "请从列表中选择地点" in str(form.errors)


def test_picker_renders_the_current_choice():
    village = Division.objects.filter(level="village").first()
    html = str(PlaceForm(initial={"place": village.code})["place"])
    assert f'value="{village.code}" selected' in html
    assert 'hx-get="/divisions/options/?field=place_county"' in html
