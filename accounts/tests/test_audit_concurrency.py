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
