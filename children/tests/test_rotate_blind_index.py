"""Rotating BLIND_INDEX_KEY (docs/deployment.md, "Key rotation"): rotate_blind_index recomputes every index from
the decrypted values, in batches, and carries on where an interrupted run stopped."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.fields import blind_index
from accounts.models import KeyRotationProgress
from children import idnumber
from children.models import Child, Parent
from children.tests.factories import ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db

PHONE = "13800138000"


@pytest.fixture
def children():
    made = []
    for n in range(3):
        child = ChildFactory(id_number=idnumber.make("440802", datetime.date(2015, 3, 1), n + 1, "F"),
                             guardian_phone=f"1390000000{n}", caregiver_phone="")
        ParentFactory(child=child, phone=PHONE)
        made.append(child)
    return made


def run(**options) -> str:
    out = StringIO()
    call_command("rotate_blind_index", stdout=out, **options)
    return out.getvalue()


def old_key_rows():
    """Rows (current and historical) whose indexes are not those of the current key."""
    stale = []
    for model in (Child, Child.history.model):
        for row in model._base_manager.all():
            if row.id_number and row.id_number_index != blind_index(row.id_number):
                stale.append(row)
    for model in (Parent, Parent.history.model):
        stale += [row for row in model._base_manager.all() if row.phone and row.phone_index != blind_index(row.phone)]
    return stale


def test_a_new_key_finds_nothing_until_the_indexes_are_recomputed(settings, children):
    number = children[0].id_number
    assert Child.objects.with_id_number(number).get() == children[0]
    settings.BLIND_INDEX_KEY = "a-new-blind-index-key"
    assert not Child.objects.with_id_number(number).exists()
    assert not Child.objects.with_phone(PHONE).exists()

    run(batch_size=2)
    assert Child.objects.with_id_number(number).get() == children[0]
    assert Child.objects.with_phone("13900000001").get() == children[1]
    assert Child.objects.with_phone(PHONE).count() == 3
    assert old_key_rows() == []  # the change history too


def test_an_interrupted_run_carries_on_where_it_stopped(settings, children):
    settings.BLIND_INDEX_KEY = "a-new-blind-index-key"
    out = run(batch_size=1, max_batches=2)
    assert "run again" in out
    progress = KeyRotationProgress.objects.get(table="children.Child")
    assert progress.last_pk == children[1].pk and progress.done_at is None
    assert Child.objects.with_id_number(children[1].id_number).exists()  # done rows are found with the new key
    assert not Child.objects.with_id_number(children[2].id_number).exists()  # not reached yet

    run(batch_size=1)
    assert old_key_rows() == []
    assert KeyRotationProgress.objects.filter(done_at__isnull=True).count() == 0
    assert "done already" in run()  # nothing left to do with this key

    settings.BLIND_INDEX_KEY = "yet-another-key"  # the next rotation starts every table again
    run()
    assert Child.objects.with_id_number(children[2].id_number).get() == children[2]
    assert old_key_rows() == []
