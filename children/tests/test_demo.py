import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from children import demo, idnumber
from children.models import Child

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_spread_over_real_villages():
    accounts_demo.seed()
    demo.seed()
    count = Child.objects.count()
    assert 35 <= count <= 45
    demo.seed()
    assert Child.objects.count() == count
    counties = {c.residence_id[:6] for c in Child.objects.all()}
    assert {"440802", "440882", "440823"} <= counties
    assert Child.objects.filter(residence__code__startswith="440883107").exists()  # 塘㙍镇
    assert all(idnumber.is_valid(c.id_number) for c in Child.objects.all())
    worker1 = User.objects.get(username="worker1")
    assert set(Child.objects.visible_to(worker1).values_list("residence__code", flat=True)) == {
        code for code in Child.objects.values_list("residence__code", flat=True) if code.startswith("440802")}
    assert Child.objects.with_benefit_gap().exists()
    assert Child.objects.turning(16).exists()
