"""A 10,000-row ledger imports whole (timing is in benchmarks/, not here)."""

import io

import pytest

from children.importing import import_ledger
from children.management.commands.generate_dataset import synthetic_rows, write_xlsx
from children.models import Child, ChildCategory, Parent

pytestmark = pytest.mark.django_db


def test_ten_thousand_row_ledger_imports_whole(lead):
    buffer = io.BytesIO()
    write_xlsx(synthetic_rows(10_000, seed=11), buffer)
    buffer.seek(0)
    plan, created = import_ledger(buffer, by=lead)
    assert plan.problems == []
    assert len(created) == Child.objects.count() == 10_000
    assert Parent.objects.count() == 20_000
    assert ChildCategory.objects.count() >= 10_000
    assert Child.history.count() == 10_000
    # the search columns Child.save() fills were filled by the bulk import too
    sample = Child.objects.order_by("?").first()
    assert sample.name_pinyin and sample.name_initials and sample.id_number_index
    assert Child.objects.with_id_number(sample.id_number.lower()).get() == sample
