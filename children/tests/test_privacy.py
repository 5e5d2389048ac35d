"""Privacy rules (docs/domain.md §8 R4, R5): encryption at rest, key rotation, blind index, masking."""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from children import idnumber
from children.models import Child
from children.tests.factories import ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db

NUMBER = idnumber.make("440802", datetime.date(2015, 3, 1), 11, "F")
SENSITIVE = {"id_number": NUMBER, "guardian_phone": "13800138000", "caregiver_phone": "0759-3331234",
             "address": "南方路3号", "health_note": "哮喘", "serious_illness": "先天性心脏病",
             "mental_health_conclusion": "轻度焦虑", "disability_certificate": "44080220150301112X41"}


def raw(table: str, columns: list[str], pk) -> dict:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_no_sensitive_column_holds_plain_text():
    child = ChildFactory(**SENSITIVE)
    stored = raw("children_child", list(SENSITIVE), child.pk)
    for column, plain in SENSITIVE.items():
        assert plain not in stored[column], column
        assert stored[column].startswith("gAAAA")  # a Fernet token
    parent = ParentFactory(child=child, phone="13900139000", id_number=NUMBER)
    stored = raw("children_parent", ["phone", "id_number"], parent.pk)
    assert "13900139000" not in stored["phone"] and NUMBER not in stored["id_number"]


def test_rotation_to_a_new_key_keeps_values_readable_after_the_old_key_is_gone(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    child = ChildFactory(**SENSITIVE)
    before = raw("children_child", ["id_number"], child.pk)["id_number"]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    after = raw("children_child", ["id_number"], child.pk)["id_number"]
    assert after != before
    child = Child.objects.get(pk=child.pk)
    for field, plain in SENSITIVE.items():
        assert getattr(child, field) == plain
    assert Child.objects.with_id_number(NUMBER).get() == child  # the blind index does not depend on it
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(ImproperlyConfigured):
        Child.objects.get(pk=child.pk)


def test_blind_index_is_keyed_not_a_plain_hash(settings):
    ChildFactory(id_number=NUMBER)
    assert Child.objects.with_id_number(NUMBER).exists()
    settings.BLIND_INDEX_KEY = "another-key"
    assert not Child.objects.with_id_number(NUMBER).exists()


def test_masked_form_is_four_stars_four():
    child = ChildFactory(id_number=NUMBER)
    assert child.id_number_masked == f"{NUMBER[:4]}**********{NUMBER[-4:]}"
    assert len(child.id_number_masked) == 18
