"""Database settings the system depends on (docs/deployment.md "PostgreSQL settings"), checked at
startup as a system check (`manage.py check --database default`, and before `migrate`) and by
/healthz.

- The database's LC_CTYPE must be UTF-8: pg_trgm only makes trigrams of characters the ctype calls
  letters, so under `C` a Chinese name has none and the name search falls back to scanning.
- JIT compilation is best off: the registry's queries are short, and compiling them cost 140–310 ms
  each (issue 17). Reported as a warning, not an error.
"""

from django.core import checks
from django.db import connections


def ctype_problem(connection) -> str:
    """Why the database's ctype is wrong for the search, or "" (always "" off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        (ctype,) = cursor.fetchone()
    if "utf8" in ctype.lower().replace("-", ""):
        return ""
    return (f"the database's LC_CTYPE is {ctype!r}, not UTF-8: Chinese name search cannot use its trigram "
            "index. Create the database with ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' (docs/deployment.md).")


def jit_on(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0] == "on"


@checks.register(checks.Tags.database)
def check_database_settings(app_configs=None, databases=None, **kwargs):
    messages = []
    for alias in databases or ():
        connection = connections[alias]
        if problem := ctype_problem(connection):
            messages.append(checks.Error(problem, id="accounts.E101"))
        if jit_on(connection):
            messages.append(checks.Warning(
                "PostgreSQL's jit is on: the registry's short queries spend more time compiling than running.",
                hint="ALTER DATABASE … SET jit = off (docs/deployment.md \"PostgreSQL settings\").",
                id="accounts.W102"))
    return messages
