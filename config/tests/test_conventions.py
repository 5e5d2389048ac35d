"""Project-wide conventions that a reviewer would otherwise have to remember (docs/architecture.md)."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from accounts.policy import Role
from accounts.uploads import ProtectedFileField

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["accounts", "divisions", "children", "visits", "cases", "activities", "evaluation", "reports", "handover", "config"]
# Where roles may be named: the policy itself, the user model's field, migrations, tests and the
# demo data that creates one user per role.
ROLE_ALLOWED = re.compile(r"(^accounts/policy\.py$|^accounts/models\.py$|/migrations/|/tests/|conftest\.py$|demo\.py$)")
ROLE_STRING = re.compile("[\"'](" + "|".join(Role.values) + ")[\"']")


def _sources(pattern: str):
    for app in APP_DIRS:
        for path in (ROOT / app).rglob(pattern):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")
    if pattern == "*.html":
        for path in (ROOT / "templates").rglob(pattern):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def names_a_role(line: str) -> bool:
    """`Role.X`, `has_role(...)`, `user.role == / in ...`, or a role's value quoted on a line about roles
    ("social_worker" alone is also the name of the child's worker field)."""
    return ("Role." in line or "has_role(" in line or bool(re.search(r"\.role\s*(==|!=|\bin\b)", line))
            or ("role" in line.lower() and bool(ROLE_STRING.search(line))))


def test_no_role_is_named_outside_the_policy():
    """Code asks for a capability (accounts.policy.Can); a role tuple or a role string elsewhere is a
    second access policy waiting to disagree with the first."""
    offenders = []
    for name, text in [*_sources("*.py"), *_sources("*.html")]:
        if ROLE_ALLOWED.search(name):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if names_a_role(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_the_role_check_catches_role_tuples_and_spares_the_worker_field():
    assert names_a_role('if request.user.role in ("supervisor", "project_lead"):')
    assert names_a_role('STAFF_ROLES = ("supervisor", "project_lead")')
    assert names_a_role("if user.has_role(Role.BUREAU):")
    assert not names_a_role('list_display = ["name", "social_worker"]')


def test_every_uploaded_file_goes_through_the_protected_field():
    """A file field that is not a ProtectedFileField would skip the image cleaner (EXIF, GPS) and the
    private storage. A new one must use it, or this test fails."""
    plain = [f"{model._meta.label}.{field.name}" for model in apps.get_models() for field in model._meta.fields
             if isinstance(field, models.FileField) and not isinstance(field, ProtectedFileField)
             and model._meta.app_label in APP_DIRS]
    assert plain == []


@pytest.mark.parametrize("limit", [800])
def test_no_module_is_longer_than_the_style_allows(limit):
    long = [f"{name}: {text.count(chr(10))} lines" for name, text in _sources("*.py")
            if "/migrations/" not in name and text.count("\n") > limit]
    assert long == []
