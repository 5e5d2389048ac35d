"""The database settings check (UTF-8 ctype for the trigram search, JIT) and the admin's capped count."""

import pytest
from django.core.paginator import Paginator

from accounts.admin import CappedCountPaginator, ScopedModelAdmin
from accounts.database import check_database_settings, ctype_problem


class FakeConnection:
    vendor = "postgresql"

    def __init__(self, ctype, jit="off"):
        self.answers = {"SELECT datctype": (ctype,), "SHOW jit": (jit,)}

    def cursor(self):
        connection = self

        class Cursor:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, sql):
                self.row = next(v for k, v in connection.answers.items() if sql.startswith(k))

            def fetchone(self):
                return self.row

        return Cursor()


def test_a_c_ctype_is_an_error_and_utf8_is_fine(monkeypatch):
    assert "not UTF-8" in ctype_problem(FakeConnection("C"))
    assert ctype_problem(FakeConnection("C.UTF-8")) == "" and ctype_problem(FakeConnection("zh_CN.utf8")) == ""
    monkeypatch.setattr("accounts.database.connections", {"default": FakeConnection("C", jit="on")})
    assert {m.id for m in check_database_settings(databases=["default"])} == {"accounts.E101", "accounts.W102"}


@pytest.mark.django_db
def test_the_test_database_passes_the_check():
    assert [m for m in check_database_settings(databases=["default"]) if m.is_serious()] == []


@pytest.mark.django_db
def test_the_admin_never_counts_the_whole_table(monkeypatch, django_assert_num_queries):
    from children.models import Child
    from children.tests.factories import ChildFactory

    assert ScopedModelAdmin.show_full_result_count is False and ScopedModelAdmin.paginator is CappedCountPaginator
    ChildFactory.create_batch(5)
    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    paginator = CappedCountPaginator(Child.objects.order_by("pk"), 2)
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 4 and paginator.num_pages == 2
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]
    assert Paginator(Child.objects.order_by("pk"), 2).count == 5
