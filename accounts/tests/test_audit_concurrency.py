import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import AuditEntry


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
def test_concurrent_writers_keep_one_unbroken_chain(worker):
    def write(n):
        try:
            for i in range(10):
                services.audit(user=worker, action="concurrent", thread=n, i=i)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEntry.objects.filter(action="concurrent").count() == 40
    assert services.verify_audit_chain() == []
