"""The first-steps hint on each role's 工作台: one sentence of what to do first, with a link to the role's
chapter, until the user closes it (HintDismissal). Registered as a home card in GuideConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.home import Card, register_card
from accounts.policy import Role

from .roles import chapter_for_role

FIRST_STEPS = {
    Role.SOCIAL_WORKER: _("Start with your work list (Visits → Work list): it shows which families are due "
                          "for a visit, the overdue first."),
    Role.SUPERVISOR: _("Start with the cards of the workbench: the service plans, closures and risk levels "
                       "waiting for your review."),
    Role.PROJECT_LEAD: _("Start by checking the contract targets and the team staffing rules on the "
                         "workbench, then the reports."),
    Role.BUREAU: _("Start with the dashboard (Reports → Dashboard): the project's figures at a glance, and "
                   "the reports submitted to you."),
    Role.COUNTY_BUREAU: _("Start with the dashboard (Reports → Dashboard): the figures of your county at a "
                          "glance, and the discovery reports sent to you."),
    Role.ADMIN: _("Start by creating the team's accounts in the admin (Users), each with its role and area."),
}
ORDER = 1  # before every other card: it is the first thing a new user reads


def first_steps_card(request):
    user = request.user
    chapter = chapter_for_role(user.role)
    sentence = FIRST_STEPS.get(user.role)
    if chapter is None or sentence is None or hasattr(user, "guide_hint_dismissal"):
        return None
    return Card(title=_("First steps"), template="guide/cards/first_steps.html", level="info",
                note=sentence, url=reverse("guide:chapter", args=[chapter.SLUG]),
                context={"dismiss_url": reverse("guide:dismiss_hint")})


def register() -> None:
    register_card(order=ORDER, func=first_steps_card)
