"""Home-page (工作台) cards and banners that higher apps contribute without accounts importing them.

An app registers in its AppConfig.ready():

    from accounts.home import register_card, register_banner
    register_card(order=20, func=my_card)         # my_card(request) -> Card | None
    register_banner(func=my_banner)               # my_banner(request) -> Banner | None

A function returns None when it has nothing for this user.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


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


_cards: list[tuple[int, object]] = []
_banners: list[object] = []


def register_card(*, order: int, func) -> None:
    if all(f is not func for _o, f in _cards):
        _cards.append((order, func))
        _cards.sort(key=lambda item: item[0])


def register_banner(*, func) -> None:
    if func not in _banners:
        _banners.append(func)


def cards_for(request) -> list[Card]:
    return [card for _o, func in _cards if (card := func(request)) is not None]


def banners_for(request) -> list[Banner]:
    return [banner for func in _banners if (banner := func(request)) is not None]


def _team_card(request):
    from .models import Role
    from .staffing import check_staffing

    if not request.user.has_role(Role.PROJECT_LEAD, Role.SUPERVISOR, Role.BUREAU, Role.ADMIN):
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


register_card(order=90, func=_notifications_card)
register_card(order=95, func=_team_card)
