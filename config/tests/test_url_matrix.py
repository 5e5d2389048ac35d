"""The URL permission matrix (issue 11, "Must show"): every URL pattern of the project, as every persona,
on an object of the persona's own area and of another area, by GET and (for URLs that change
something) by POST, answers what the rule table `config/tests/url_rules.py` says, and every page a
signed-in user gets carries `Cache-Control: no-store`. A pattern that has no rule fails the suite
(test_every_url_pattern_has_a_rule; test_a_url_pattern_without_a_rule_fails_the_suite shows it).
The admin: every registered model's list by its model admin's capability, and the view-on-site
shortcut. And no page answers 500 to query parameters of the wrong type.

The objects are built once for the module (matrix_world.py) in a transaction rolled back at the end;
each request runs in a savepoint rolled back after it, so a POST that changes something changes
nothing for the next request."""

import copy
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, path, reverse

from accounts.policy import Can, allows
from config.tests import url_rules
from config.tests.matrix_world import OTHER, OWN, PERSONAS, build_world, kwargs_for


def walk(patterns=None, prefix="", namespace=""):
    """(URL name with namespaces, route, keyword names) for every pattern the resolver knows."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            keys = tuple(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
            route = prefix + str(pattern.pattern)
            yield f"{namespace}{pattern.name or f'[{route}]'}", route, keys


APP_URLS = sorted({name for name, _route, _keys in walk()
                   if not name.startswith("admin:")})


# ---------------------------------------------------------------- completeness

@pytest.mark.django_db  # ordered with the module's other tests, before any test that flushes the database
def test_every_url_pattern_has_a_rule():
    assert url_rules.missing(name for name, _route, _keys in walk()) == []


@pytest.mark.django_db  # ordered with the module's other tests, before any test that flushes the database
def test_a_url_pattern_without_a_rule_fails_the_suite():
    """A view someone adds without saying who may open it is reported by name."""
    fake = path("children/<int:pk>/secret/", lambda request, pk: None, name="secret")
    names = [name for name, _route, _keys in walk([*get_resolver().url_patterns, fake])]
    assert "secret" in names
    assert url_rules.missing(names) == ["secret"]


@pytest.mark.django_db  # ordered with the module's other tests, before any test that flushes the database
def test_rules_name_no_pattern_that_is_gone():
    names = {name for name, _route, _keys in walk()}
    assert url_rules.stale(names) == []


# ---------------------------------------------------------------- the matrix

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), mock.patch("django.conf.settings.PROTECTED_MEDIA_ROOT", str(media)):
        with transaction.atomic():
            data = build_world()
            clients = {}
            for persona in PERSONAS:
                clients[persona] = Client()
                if persona != "anonymous":
                    clients[persona].force_login(data["users"][persona])
            data["clients"] = clients
            data["media"] = media
            yield data
            transaction.set_rollback(True)


@pytest.fixture
def protected_media(world, settings):
    """The module's media root, where the world's photos are (overrides the root conftest's)."""
    settings.PROTECTED_MEDIA_ROOT = str(world["media"])
    return world["media"]


def _request(client, method, url):
    """One request whose writes are rolled back; the client keeps its session (a POST to logout)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def _no_pdf(*args, **kwargs):
    return b"%PDF-1.7 matrix"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", APP_URLS)
def test_url_answers_each_persona_as_the_rules_say(world, url_name):
    rule = url_rules.rule_for(url_name)
    keys = next(k for name, _route, k in walk() if name == url_name)
    wrong = []
    with mock.patch("weasyprint.HTML.write_pdf", _no_pdf):
        for area in (OWN, OTHER) if keys else (OWN,):
            url = reverse(url_name, kwargs=kwargs_for(world["areas"][area], url_name, keys))
            for persona in PERSONAS:
                user = world["users"].get(persona)
                for method in ("GET", "POST") if rule.post is not None else ("GET",):
                    expected = url_rules.expected(rule, user, persona, area, method)
                    response = _request(world["clients"][persona], method, url)
                    if response.status_code not in expected:
                        wrong.append(f"{method} {url} as {persona} ({area}): {response.status_code}, "
                                     f"expected {sorted(expected)}")
                    elif user is not None and "no-store" not in response.get("Cache-Control", ""):
                        wrong.append(f"{method} {url} as {persona} ({area}): no Cache-Control: no-store")
    assert not wrong, "\n".join(wrong)


# Every query parameter a view reads (grep request.GET), each with a value no view expects.
HOSTILE_QUERY = {key: "x'\"<>" for key in (
    "page", "year", "month", "child", "visit", "type", "county", "stage", "status", "kind", "q", "section",
    "mine", "full", "field", "parent", "saved", "all", "followups", "next", "recipient", "token",
    "case", "activity", "from", "to", "town")}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", APP_URLS)
def test_query_parameters_of_the_wrong_type_never_give_500(world, url_name):
    keys = next(k for name, _route, k in walk() if name == url_name)
    url = reverse(url_name, kwargs=kwargs_for(world["areas"][OWN], url_name, keys))
    wrong = []
    with mock.patch("weasyprint.HTML.write_pdf", _no_pdf):
        for persona in ("worker", "lead"):
            client = world["clients"][persona]
            client.raise_request_exception = False
            try:
                response = _request(client, "GET", url + "?" + "&".join(f"{k}={v}" for k, v in HOSTILE_QUERY.items()))
            finally:
                client.raise_request_exception = True
            if response.status_code >= 500:
                wrong.append(f"GET {url}?… as {persona}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- the admin

def _admin_models():
    from django.contrib import admin

    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


@pytest.mark.django_db
@pytest.mark.parametrize("label", [model._meta.label_lower for model, _admin in _admin_models()])
def test_admin_list_answers_each_persona_as_the_rules_say(world, label):
    model, model_admin = next((m, a) for m, a in _admin_models() if m._meta.label_lower == label)
    rule = url_rules.admin_view_rule(model, model_admin)
    url = url_rules.admin_list_url(model, model_admin)
    wrong = []
    for persona in PERSONAS:
        user = world["users"].get(persona)
        response = _request(world["clients"][persona], "GET", url)
        if response.status_code not in url_rules.expected_admin(rule, user):
            wrong.append(f"GET {url} as {persona}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_index_and_view_on_site(world, persona):
    """The index answers like a list everyone on the staff may open; view-on-site only for the child
    the user may view in the admin, 404 for any other id (no probing)."""
    from django.contrib.contenttypes.models import ContentType

    from children.models import Child

    user = world["users"].get(persona)
    client = world["clients"][persona]
    index = _request(client, "GET", reverse("admin:index")).status_code
    assert index == (302 if user is None or not user.is_staff else 200)
    child_type = ContentType.objects.get_for_model(Child).pk
    for area in (OWN, OTHER):
        child_pk = world["areas"][area]["children:*"]["pk"]
        answer = _request(client, "GET", f"/admin/r/{child_type}/{child_pk}/").status_code
        if user is None or not user.is_staff:
            assert answer == 302
        else:
            may_view = allows(user, Can.MANAGE_PROJECT) and url_rules.sees(url_rules.Scope.CHILD, user, persona, area)
            assert answer == (302 if may_view else 404), (persona, area, answer)
