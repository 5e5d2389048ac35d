"""What the evaluation contributes to other apps' pages: the worker's card of closed cases still waiting for
their follow-up survey. `register()` is called from EvaluationConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.home import Card, register_card
from accounts.policy import Can


def surveys_waiting_card(request):
    from .models import cases_waiting_for_survey

    if not request.user.can(Can.HAVE_CASELOAD):
        return None
    waiting = cases_waiting_for_survey(request.user).count()
    if not waiting:
        return None
    return Card(title=_("Closed cases waiting for a follow-up survey"), url=reverse("evaluation:survey_list"),
                value=waiting, note=_("Ask the child or the guardian how the service went."))


def register() -> None:
    register_card(order=45, func=surveys_waiting_card)
