"""The 个人档案 timeline: higher apps contribute events without the registry importing them.

In an AppConfig.ready(): `register(func)` where func(child, user) -> iterable of Event.
"""

import datetime
from dataclasses import dataclass

_providers: list = []


@dataclass
class Event:
    when: datetime.date | datetime.datetime
    kind: str
    title: str
    url: str = ""
    detail: str = ""


def register(func) -> None:
    if func not in _providers:
        _providers.append(func)


def _sort_key(event: Event):
    when = event.when
    if isinstance(when, datetime.datetime):
        return (when.date(), when.time())
    return (when, datetime.time.min)


def events_for(child, user) -> list[Event]:
    events = [event for func in _providers for event in func(child, user)]
    return sorted(events, key=_sort_key, reverse=True)
