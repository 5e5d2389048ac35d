"""The 个人档案 timeline: higher apps contribute events without the registry importing them.

An app registers in the `register()` of its hooks.py: `timeline.register(func)` where
func(child, user) -> iterable of Event. Events are sorted by time, so providers have no position.
"""

import datetime
from dataclasses import dataclass

from accounts.registry import Registry

providers = Registry("child timeline")


@dataclass
class Event:
    when: datetime.date | datetime.datetime
    kind: str
    title: str
    url: str = ""
    detail: str = ""


def register(func) -> None:
    providers.register(func)


def _sort_key(event: Event):
    when = event.when
    if isinstance(when, datetime.datetime):
        return (when.date(), when.time())
    return (when, datetime.time.min)


def events_for(child, user) -> list[Event]:
    events = [event for func in providers for event in func(child, user)]
    return sorted(events, key=_sort_key, reverse=True)
