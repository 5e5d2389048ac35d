"""Personas shared by every app's tests (STYLE.md §10)."""

import pytest

from accounts.models import Role, User
from divisions.models import Division

CHIKAN, LEIZHOU, SUIXI = "440802", "440882", "440823"


def make_user(username, role, areas=(), **extra) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-1234", role=role,
                                    full_name=extra.pop("full_name", username), **extra)
    if areas:
        user.areas.set(Division.objects.filter(code__in=areas))
    return user


@pytest.fixture
def worker(db):
    """A social worker of 赤坎区."""
    return make_user("worker_chikan", Role.SOCIAL_WORKER, [CHIKAN])


@pytest.fixture
def other_worker(db):
    """A social worker of 雷州市."""
    return make_user("worker_leizhou", Role.SOCIAL_WORKER, [LEIZHOU])


@pytest.fixture
def lead(db):
    return make_user("lead", Role.PROJECT_LEAD, is_staff=True)


@pytest.fixture
def supervisor(db):
    return make_user("supervisor", Role.SUPERVISOR, is_staff=True)


@pytest.fixture
def bureau(db):
    return make_user("bureau", Role.BUREAU)


@pytest.fixture
def county_bureau(db):
    """遂溪县民政局."""
    return make_user("county_bureau", Role.COUNTY_BUREAU, [SUIXI])


@pytest.fixture
def sysadmin(db):
    return make_user("sysadmin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Signed in, but with no role that sees anything (a worker with no area)."""
    return make_user("outsider", Role.SOCIAL_WORKER)


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
