"""The contract's staffing rules (需求书 人员配置要求; docs/domain.md §7), one result per rule."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import StaffProfile

P, C, E = StaffProfile.Position, StaffProfile.Certificate, StaffProfile.Education


@dataclass
class RuleResult:
    rule: str
    met: bool
    why: str


def _names(profiles) -> str:
    return "、".join(str(p.user) for p in profiles) or _("nobody")


def check_staffing(profiles=None) -> list[RuleResult]:
    if profiles is None:
        profiles = StaffProfile.objects.filter(user__is_active=True).select_related("user")
    profiles = list(profiles)
    leads = [p for p in profiles if p.position == P.LEAD]
    workers = [p for p in profiles if p.position == P.PROJECT_WORKER]
    supervisors = [p for p in profiles if p.position == P.SUPERVISOR]
    team = leads + workers
    results = []

    results.append(RuleResult(
        _("At least 5 social workers in the team"), len(team) >= 5,
        _("%(n)s in the team (project lead and project social workers).") % {"n": len(team)}))

    intermediate = [p for p in team if p.certificate_at_least(C.INTERMEDIATE)]
    results.append(RuleResult(
        _("At least 1 holds the social worker (intermediate) certificate or higher"), len(intermediate) >= 1,
        _("Holding it: %(names)s.") % {"names": _names(intermediate)}))

    assistant = [p for p in team if p.certificate_at_least(C.ASSISTANT)]
    results.append(RuleResult(
        _("At least 2 hold the assistant social worker certificate or higher"), len(assistant) >= 2,
        _("%(n)s hold one: %(names)s.") % {"n": len(assistant), "names": _names(assistant)}))

    bachelors = [p for p in team if p.education_at_least(E.BACHELOR)]
    results.append(RuleResult(
        _("At least 1 has a bachelor's degree"), len(bachelors) >= 1,
        _("With a bachelor's degree or higher: %(names)s.") % {"names": _names(bachelors)}))

    if len(leads) != 1:
        results.append(RuleResult(_("One project lead with a related bachelor's degree and 3 years of child and "
                                    "youth practice"), False,
                                   _("There are %(n)s project leads; there must be exactly one.") % {"n": len(leads)}))
    else:
        lead = leads[0]
        gaps = []
        if not (lead.major_related and lead.education_at_least(E.BACHELOR)):
            gaps.append(_("no related bachelor's degree"))
        if lead.child_service_years < 3:
            gaps.append(_("%(y)s years of child and youth practice, 3 needed") % {"y": lead.child_service_years})
        results.append(RuleResult(
            _("One project lead with a related bachelor's degree and 3 years of child and youth practice"),
            not gaps, _("%(name)s: %(state)s.") % {"name": lead.user, "state": "；".join(gaps) or _("meets it")}))

    unqualified = [p for p in workers if not (p.major_related and p.education_at_least(E.JUNIOR_COLLEGE)
                                              and p.certificate_at_least(C.ASSISTANT))]
    results.append(RuleResult(
        _("Every project social worker has a related junior-college degree and an assistant certificate"),
        bool(workers) and not unqualified,
        (_("Not yet qualified: %(names)s.") % {"names": _names(unqualified)}) if unqualified or not workers
        else _("All %(n)s qualify.") % {"n": len(workers)}))

    experienced = [p for p in workers if p.difficulty_service_years >= 2]
    results.append(RuleResult(
        _("At least 2 project social workers with 2 years serving children in difficulty"), len(experienced) >= 2,
        _("%(n)s have it: %(names)s.") % {"n": len(experienced), "names": _names(experienced)}))

    seasoned = [p for p in supervisors if p.difficulty_service_years >= 5 and p.full_time]
    results.append(RuleResult(
        _("One project supervisor with 5 years serving children in difficulty"), len(seasoned) >= 1,
        (_("Supervisor: %(names)s.") % {"names": _names(seasoned)}) if seasoned
        else _("Supervisors on the team: %(names)s; none is full-time with 5 years.")
        % {"names": _names(supervisors)}))
    return results
