import psycopg
import pytest
from django.db import connection

from accounts import services

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers by itself"),
]


def other_session_can_take_the_chain_lock() -> bool:
    """Ask from a second, independent connection whether the audit-chain lock is free."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", [services.AUDIT_CHAIN_LOCK]).fetchone()[0]
        if taken:
            other.execute("SELECT pg_advisory_unlock(%s)", [services.AUDIT_CHAIN_LOCK])
        return taken


def test_a_writer_holds_the_chain_lock_until_its_transaction_ends(worker):
    assert other_session_can_take_the_chain_lock()
    services.audit(user=worker, action="reveal_id")
    # Still inside the test's transaction: a concurrent writer would wait instead of reading
    # the same last entry and forking the chain.
    assert not other_session_can_take_the_chain_lock()


def test_the_chain_lock_is_free_while_a_pdf_renders(client_for, lead, monkeypatch):
    """Inside a request the entry is queued and written after the response is ready: the lock is
    taken for that short write, not while the page or the PDF renders."""
    from django.urls import reverse

    from accounts.models import AuditEntry
    from children import pdf
    from children.tests.factories import ChildFactory

    child = ChildFactory()
    free = []
    real = pdf.render_child_pdf

    def render(*args, **kwargs):
        free.append(other_session_can_take_the_chain_lock())
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_child_pdf", render)
    assert client_for(lead).get(reverse("children:pdf", args=[child.pk])).status_code == 200
    assert free == [True] and AuditEntry.objects.filter(action="child.view_pdf").count() == 1
