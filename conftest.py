"""Fixtures shared by every app's tests (docs/style.md §10): personas, a user factory, a temporary
protected-media root and a signed-in phone-sized browser."""

import contextlib
import itertools
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

from accounts.models import Role, User
from divisions.models import Division

CHIKAN, LEIZHOU, SUIXI = "440802", "440882", "440823"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pw-for-tests-1234"


def make_user(username, role, areas=(), **extra) -> User:
    """A user of `role` scoped to the divisions whose codes are in `areas` (password PASSWORD)."""
    user = User.objects.create_user(username=username, password=PASSWORD, role=role,
                                    full_name=extra.pop("full_name", username), **extra)
    if areas:
        user.areas.set(Division.objects.filter(code__in=areas))
    return user


# ---------------------------------------------------------------- second factor

def verify_second_factor(client, user) -> None:
    """The client's session as after a correct one-time code (accounts/otp.py): the user gets a confirmed
    authenticator if they have none, and the session holds it as its verifying device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(scope="session", autouse=True)
def force_login_passes_the_second_factor():
    """Client.force_login skips authentication, the second factor included: for a user whose role needs one,
    it also verifies the session (settings.test has OTP_REQUIRED on, as in production). So client_for,
    browser_page and every test that signs in with force_login get the session a real sign-in gives; the
    two-factor tests (accounts/tests/test_otp.py) sign in with the password through the login page instead."""
    from django.test import Client

    from accounts.policy import needs_second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if needs_second_factor(user):
            verify_second_factor(self, user)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login)
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the kept counts (accounts.countcache) are keyed by user pk,
    and pks repeat from one test's database to the next."""
    from django.core.cache import cache

    cache.clear()
    yield


# ---------------------------------------------------------------- users

@pytest.fixture
def user_factory(db):
    """user_factory(role, areas=(), username=None, **extra) → a new user; the username is made up
    unless given (e.g. user_factory(Role.SOCIAL_WORKER, [CHIKAN]))."""
    numbers = itertools.count(1)

    def create(role, areas=(), username=None, **extra):
        return make_user(username or f"{role}_{next(numbers)}", role, areas, **extra)

    return create


@pytest.fixture
def worker(user_factory):
    """A social worker of 赤坎区."""
    return user_factory(Role.SOCIAL_WORKER, [CHIKAN], "worker_chikan")


@pytest.fixture
def other_worker(user_factory):
    """A social worker of 雷州市."""
    return user_factory(Role.SOCIAL_WORKER, [LEIZHOU], "worker_leizhou")


@pytest.fixture
def lead(user_factory):
    return user_factory(Role.PROJECT_LEAD, username="lead", is_staff=True)


@pytest.fixture
def supervisor(user_factory):
    return user_factory(Role.SUPERVISOR, username="supervisor", is_staff=True)


@pytest.fixture
def bureau(user_factory):
    return user_factory(Role.BUREAU, username="bureau")


@pytest.fixture
def county_bureau(user_factory):
    """遂溪县民政局."""
    return user_factory(Role.COUNTY_BUREAU, [SUIXI], "county_bureau")


@pytest.fixture
def sysadmin(user_factory):
    return user_factory(Role.ADMIN, username="sysadmin", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(user_factory):
    """Signed in, but with no role that sees anything (a worker with no area)."""
    return user_factory(Role.SOCIAL_WORKER, username="outsider")


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# ---------------------------------------------------------------- files

@pytest.fixture(autouse=True)
def protected_media(settings):
    """For every test, PROTECTED_MEDIA_ROOT (and MEDIA_ROOT beside it) point at a fresh temporary
    directory, removed afterwards: no upload of a test reaches var/. Returns the protected root (a Path)."""
    root = Path(tempfile.mkdtemp(prefix="tonghu-media-"))
    settings.PROTECTED_MEDIA_ROOT = str(root / "protected")
    settings.MEDIA_ROOT = str(root / "media")
    yield root / "protected"
    shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------- browser

_SQLITE_REQUEST_LOCK = threading.Lock()


class _OneRequestAtATimeServer:
    """Mixed into the live server's class (pytest_configure below). On SQLite the test database is one in-memory
    database in shared-cache mode, and each of the live server's request threads opens its own connection to it
    (pytest-django starts the session's live server before the test database exists, so it shares no
    connection). Shared-cache locks are per table and do not wait for the busy timeout: two requests at once (a
    help chapter loading its screenshots) made one fail with "database table is locked" — a 500 for an image,
    a page that jumped, a failed CI run. On SQLite the server answers one request at a time, from the application
    call until the response is closed (a streamed body reads the database too); the threads, and so the browser's
    keep-alive connections, stay; the test's own queries wait for the same lock (browser_page). PostgreSQL is not
    serialised."""

    def set_app(self, application):
        from django.db import connection

        if connection.vendor != "sqlite":
            return super().set_app(application)
        lock = _SQLITE_REQUEST_LOCK

        def one_at_a_time(environ, start_response):
            lock.acquire()
            try:
                body = application(environ, start_response)
            except BaseException:
                lock.release()
                raise
            return _ReleasedOnClose(body, lock)

        return super().set_app(one_at_a_time)


class _ReleasedOnClose:
    """A WSGI body that releases `lock` when the server closes it (wsgiref closes every body, also after an
    error or a client that went away), once."""

    def __init__(self, body, lock):
        self.body, self.lock, self.released = body, lock, False

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            if not self.released:
                self.released = True
                self.lock.release()


def pytest_configure(config):
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    LiveServerThread.server_class = type("OneRequestAtATimeWSGIServer",
                                         (_OneRequestAtATimeServer, ThreadedWSGIServer), {})


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """browser_page(user, width=375) → a new Playwright page of Debian's chromium on a `width` px wide
    phone-like screen (zh-CN), signed in as `user` (anonymous when user is None). Open pages with
    f"{live_server.url}/…". Skips when /usr/bin/chromium or the playwright package is missing."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser test: {CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test: the playwright package is missing (pip install -r requirements.txt)")
    from django.conf import settings
    from django.test import Client

    # Playwright's sync API keeps an event loop running in this thread; the ORM refuses to run beside
    # one unless told. Only for the tests that use this fixture: monkeypatch restores it afterwards.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])

        contexts = []

        def open_page(user=None, width=375):
            context = browser.new_context(viewport={"width": width, "height": 812}, device_scale_factor=2,
                                          is_mobile=width < 768, has_touch=width < 768, locale="zh-CN")
            contexts.append(context)
            if user is not None:
                client = Client()
                client.force_login(user)
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                      "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
            return context.new_page()

        with _between_requests_on_sqlite():
            yield open_page
        # The test is over, but its pages may still be loading (a help chapter's screenshots, a poll): a
        # request still running while the test's data is flushed fails, or breaks the flush (CI saw it once).
        # Let the pages go quiet, close them, and wait for the server's request threads before the flush.
        for context in contexts:
            for page in context.pages:
                with contextlib.suppress(Exception):
                    page.wait_for_load_state("networkidle", timeout=10_000)
            context.close()
        browser.close()
    _wait_for_live_server_requests()


@contextlib.contextmanager
def _between_requests_on_sqlite():
    """The test's queries run between the live server's requests on SQLite (see _OneRequestAtATimeServer)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return

    def wait_for_the_server(execute, sql, params, many, context):
        with _SQLITE_REQUEST_LOCK:
            return execute(sql, params, many, context)

    with connection.execute_wrapper(wait_for_the_server):
        yield


def _wait_for_live_server_requests(timeout=10.0):
    """Until no thread of the live server (socketserver's ThreadingMixIn) is still answering a request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [thread for thread in threading.enumerate()
                if getattr(getattr(thread, "_target", None), "__name__", "") == "process_request_thread"]
        if not busy:
            return
        time.sleep(0.05)
