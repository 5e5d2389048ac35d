"""Home-page (工作台) cards and banners that higher apps contribute without accounts importing them.

An app registers in the `register()` of its hooks.py, which its AppConfig.ready() calls:

    from accounts.home import register_card, register_banner
    register_card(order=20, func=my_card)         # my_card(request) -> Card | None
    register_banner(order=10, func=my_banner)     # my_banner(request) -> Banner | None

Positions are unique across the project (a second card at a taken position is an error); the
table of positions is in docs/architecture.md.

A function returns None when it has nothing for this user.
"""

import functools
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

from . import countcache
from .policy import Can
from .registry import Registry


@dataclass
class Card:
    title: str
    template: str = "accounts/cards/simple.html"
    context: dict = field(default_factory=dict)
    url: str = ""
    value: object = None
    note: str = ""
    level: str = ""


@dataclass
class Banner:
    text: str
    url: str = ""
    level: str = "danger"


cards = Registry("home cards")
banners = Registry("home banners")


def register_card(*, order: int, func) -> None:
    cards.register(func, order=order)


def register_banner(*, func, order: int | None = None) -> None:
    banners.register(func, order=order)


def cached_per_user(func):
    """A card function whose result is kept for a minute per user (accounts.countcache): its counts run
    over the whole registry or the visits, too costly on every view of the home page at a city's size
    (issue 17, docs/benchmarks.md). Only for counts: cards whose figure must move at once (incidents,
    notifications) are not wrapped."""

    @functools.wraps(func)
    def wrapper(request):
        def compute():
            card = func(request)
            return None if card is None else {k: (str(v) if k in ("title", "note") else v)
                                              for k, v in asdict(card).items()}

        found = countcache.per_user(request.user, f"card:{func.__module__}.{func.__qualname__}", compute)
        return None if found is None else Card(**found)

    return wrapper


def cards_for(request) -> list[Card]:
    return [card for func in cards if (card := func(request)) is not None]


def banners_for(request) -> list[Banner]:
    return [banner for func in banners if (banner := func(request)) is not None]


def _team_card(request):
    from .staffing import check_staffing

    if not request.user.can(Can.SEE_TEAM):
        return None
    results = check_staffing()
    unmet = sum(not r.met for r in results)
    return Card(title=_("Team staffing rules"), url="/accounts/team/",
                value=f"{len(results) - unmet}/{len(results)}",
                note=_("all met") if not unmet else _("%(n)s not met") % {"n": unmet},
                level="success" if not unmet else "warning")


def _notifications_card(request):
    unread = request.user.notifications.filter(read_at__isnull=True).count()
    return Card(title=_("Unread notifications"), url="/accounts/notifications/", value=unread,
                level="warning" if unread else "")


def register() -> None:
    register_card(order=90, func=_notifications_card)
    register_card(order=95, func=_team_card)
