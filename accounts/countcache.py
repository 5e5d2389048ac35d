"""Counts kept for a minute per user: the home page's cards and the registry's facet counts (issue 17).

At a city's size (100,000 children, ~1,000,000 visits) these counts read the whole registry or the
visits on every page view; the issue allows them "cached per user for a minute". They are kept in
Django's cache (settings.CACHES) under a key naming the user, the language and what is counted, for
COUNT_CACHE_SECONDS — and under a *generation*: any save or delete of a record (other than the audit
trail, sessions and the admin log, which every request writes) starts a new generation, so a count is
never stale after a change made through this process; with several processes (gunicorn workers each
with its own local-memory cache) a change made through another one shows within the minute.
docs/benchmarks.md records what this buys.
"""

import hashlib

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

COUNT_CACHE_SECONDS = 60
_GENERATION_KEY = "counts:generation"
_NOT_A_CHANGE = {"accounts.AuditEntry", "sessions.Session", "admin.LogEntry"}
_missing = object()


def _generation() -> int:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(_GENERATION_KEY, generation, None)
    return generation


def new_generation(sender=None, **kwargs) -> None:
    """A record changed: every kept count is out of date."""
    if sender is not None and sender._meta.label in _NOT_A_CHANGE:
        return
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(_GENERATION_KEY, 2, None)


def per_user(user, what: str, compute, *parts):
    """compute() for `user`, or what it gave within the last minute (same generation, language, parts)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    key = f"counts:{_generation()}:{user.pk}:{get_language()}:{what}:{digest}"
    found = cache.get(key, _missing)
    if found is not _missing:
        return found
    value = compute()
    cache.set(key, value, COUNT_CACHE_SECONDS)
    return value


def connect() -> None:
    """Called once from AccountsConfig.ready()."""
    post_save.connect(new_generation, dispatch_uid="countcache.saved")
    post_delete.connect(new_generation, dispatch_uid="countcache.deleted")
    m2m_changed.connect(new_generation, dispatch_uid="countcache.m2m")
