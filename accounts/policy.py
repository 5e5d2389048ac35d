"""Who may do what: the one table from roles to capabilities, and the access helpers views use.

Code asks for a capability, never for a role: `user.can(Can.DO_CASEWORK)` in Python,
`{% if user.caps.do_casework %}` in templates, `users_who_can(Can.SUPERVISE)` for recipients.
Adding a role, or moving a duty from one role to another, is a change to `ROLE_CAPABILITIES`
alone. The URL permission tests read the same table.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PROJECT_LEAD = "project_lead", _("Project lead")
    SUPERVISOR = "supervisor", _("Supervisor")
    BUREAU = "bureau", _("Civil affairs bureau")
    COUNTY_BUREAU = "county_bureau", _("County civil affairs bureau")
    ADMIN = "admin", _("System administrator")


class Can(StrEnum):
    # Whose children a user sees (the scoping rule of Child.objects.visible_to).
    SEE_PROJECT = "see_project"          # every child of the project
    SEE_AREA = "see_area"                # children living in the user's area scope
    HAVE_CASELOAD = "have_caseload"      # is assigned children, visits and cases as their worker
    SEE_REGISTRY = "see_registry"        # may open the registry at all (not the system administrator)
    # What they may do.
    DO_CASEWORK = "do_casework"          # enter and edit children, visits, cases, discovery reports
    MANAGE_PROJECT = "manage_project"    # review visits, export the registry, edit any activity or article
    SUPERVISE = "supervise"              # approve plans and closures, review risk grades, supervision notes
    LEAD_PROJECT = "lead_project"        # edit the project's policies, sign off reports
    REVIEW_ARTICLES = "review_articles"  # approve articles for publication
    RECEIVE_REPORTS = "receive_reports"  # receive discovery reports and 随访 feedback of their area as civil affairs
    SEE_REPORTER = "see_reporter"        # see who filed a discovery report
    SEE_OVERVIEW = "see_overview"        # compliance overviews and the periodic reports
    SEE_TEAM = "see_team"                # the team page and its staffing rules
    READ_AUDIT_LOG = "read_audit_log"    # who did what when (never the child data itself)
    ADMINISTER = "administer"            # users and settings; no child data through ordinary views
    # The workers' monthly self-reports (社工反馈) speak of their own difficulties: besides their author, only
    # the people who answer them read them. No other capability has exactly these holders.
    READ_WORKER_FEEDBACK = "read_worker_feedback"
    # The hand-over of the archive at contract end (R9): the lead starts the export, the bureau downloads it.
    EXPORT_HANDOVER = "export_handover"
    DOWNLOAD_HANDOVER = "download_handover"
    # Exports (R4, docs/privacy.md "Controlled exports"): one capability per kind of file that leaves the system.
    EXPORT_REGISTRY = "export_registry"                    # the registry as a masked xlsx ledger
    EXPORT_REGISTRY_FULL = "export_registry_full"          # ... with full ID numbers, phones and addresses
    EXPORT_REGISTRY_FULL_WITH_REASON = "export_registry_full_with_reason"  # full only with a recorded reason
    PRINT_CHILD_FILE = "print_child_file"                  # a child's 个人档案 PDF
    PRINT_CASE_FILE = "print_case_file"                    # a case's complete archive PDF
    DOWNLOAD_REPORTS = "download_reports"                  # the periodic reports' PDF and xlsx files


_SW, _LEAD, _SUP = Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR
_BUREAU, _COUNTY, _ADMIN = Role.BUREAU, Role.COUNTY_BUREAU, Role.ADMIN
_PRINT = frozenset({Can.EXPORT_REGISTRY, Can.PRINT_CHILD_FILE, Can.PRINT_CASE_FILE})

ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    _SW: frozenset({Can.SEE_AREA, Can.HAVE_CASELOAD, Can.SEE_REGISTRY, Can.DO_CASEWORK}) | _PRINT,
    _LEAD: frozenset({Can.SEE_PROJECT, Can.SEE_REGISTRY, Can.DO_CASEWORK, Can.MANAGE_PROJECT, Can.LEAD_PROJECT,
                      Can.SEE_REPORTER, Can.SEE_OVERVIEW, Can.SEE_TEAM, Can.READ_AUDIT_LOG, Can.READ_WORKER_FEEDBACK,
                      Can.EXPORT_HANDOVER, Can.EXPORT_REGISTRY_FULL, Can.DOWNLOAD_REPORTS}) | _PRINT,
    _SUP: frozenset({Can.SEE_PROJECT, Can.SEE_REGISTRY, Can.DO_CASEWORK, Can.MANAGE_PROJECT, Can.SUPERVISE,
                     Can.SEE_REPORTER, Can.SEE_OVERVIEW, Can.SEE_TEAM, Can.READ_AUDIT_LOG, Can.READ_WORKER_FEEDBACK,
                     Can.EXPORT_REGISTRY_FULL, Can.DOWNLOAD_REPORTS}) | _PRINT,
    _BUREAU: frozenset({Can.SEE_PROJECT, Can.SEE_REGISTRY, Can.REVIEW_ARTICLES, Can.RECEIVE_REPORTS,
                        Can.SEE_REPORTER, Can.SEE_OVERVIEW, Can.SEE_TEAM, Can.DOWNLOAD_HANDOVER,
                        Can.EXPORT_REGISTRY_FULL_WITH_REASON, Can.DOWNLOAD_REPORTS}) | _PRINT,
    _COUNTY: frozenset({Can.SEE_AREA, Can.SEE_REGISTRY, Can.RECEIVE_REPORTS, Can.SEE_OVERVIEW,
                        Can.EXPORT_REGISTRY_FULL_WITH_REASON, Can.DOWNLOAD_REPORTS}) | _PRINT,
    _ADMIN: frozenset({Can.SEE_TEAM, Can.ADMINISTER, Can.READ_AUDIT_LOG}),
}

# Who answers an approval request of each kind (accounts.services.request_approval(approver_role=...)).
PLAN_APPROVER = _SUP
CLOSURE_APPROVER = _SUP
RISK_REVIEWER = _SUP
ARTICLE_APPROVER = _BUREAU
REPORT_REVIEWER = _SUP  # reviews a periodic report before the lead signs it off, when asked
# Who decides instead when the only active approver of a role made the request themselves
# (a plan written by the project's only supervisor is approved by the project lead).
STAND_IN_APPROVER = {_SUP: _LEAD}
# Who is told when the system itself fails (a task that gave up, a broken audit chain).
SYSTEM_CONTACT = _ADMIN
# Whose view the hand-over's PDFs are printed as when the command line exports (the whole project, read).
HANDOVER_READER = _LEAD


def allows(user, capability: Can) -> bool:
    """True when this signed-in, active user's role carries the capability."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def roles_with(capability: Can) -> tuple[str, ...]:
    """The roles that carry a capability, for queries (`User.objects.filter(role__in=...)`)."""
    return tuple(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def county_overview_roles() -> tuple[str, ...]:
    """The roles that see the overview of their own area only (the county bureau), for queries."""
    return tuple(role for role in roles_with(Can.SEE_OVERVIEW) if Can.SEE_PROJECT not in ROLE_CAPABILITIES[role])


def is_read_only(user) -> bool:
    """Sees child data (or none) but changes none of it."""
    return not allows(user, Can.DO_CASEWORK)


class Capabilities:
    """`user.caps.do_casework` for templates, which cannot call `user.can(...)` with an argument."""

    def __init__(self, user):
        self._user = user

    def __getattr__(self, name: str) -> bool:
        try:
            capability = Can(name)
        except ValueError:
            raise AttributeError(name) from None
        return allows(self._user, capability)


def get_visible_or_404(queryset, user, **lookup):
    """The object if this user may see it; 404 otherwise (never say that it exists)."""
    return get_object_or_404(queryset.visible_to(user), **lookup)


def get_changeable_or_404(queryset, user, **lookup):
    """The object if this user may change it: 404 when not visible, then 403 when read-only."""
    obj = get_visible_or_404(queryset, user, **lookup)
    if not obj.can_change(user):
        raise PermissionDenied
    return obj


def may_decide(user, approver_role: str, requested_by=None) -> bool:
    """Whether this user answers approval requests addressed to `approver_role` (Approval.approver_role).
    Nobody decides their own request; when the requester is the only active user of `approver_role`,
    the stand-in role (STAND_IN_APPROVER) decides it."""
    if user is None or not user.is_active:
        return False
    if requested_by is not None and user.pk == requested_by.pk:
        return False
    if user.role == approver_role:
        return True
    if requested_by is None or STAND_IN_APPROVER.get(approver_role) != user.role:
        return False
    return _only_approver(approver_role, requested_by)


def stand_in_needed(approver_role: str, requested_by) -> str | None:
    """The stand-in role to ask when the requester is the only active approver of `approver_role`."""
    stand_in = STAND_IN_APPROVER.get(approver_role)
    return stand_in if stand_in and _only_approver(approver_role, requested_by) else None


def _only_approver(approver_role: str, requested_by) -> bool:
    from django.contrib.auth import get_user_model

    return not get_user_model().objects.filter(role=approver_role, is_active=True).exclude(
        pk=requested_by.pk).exists()


# The roles that work in the supervisor's admin (/admin/): their accounts are staff accounts, set from the role
# whenever an account is created or its role changed there (accounts.admin.UserAdmin).
ADMIN_SITE_ROLES = frozenset({_LEAD, _SUP, _ADMIN})


def works_in_admin_site(role) -> bool:
    """Whether accounts of this role are staff accounts (may open /admin/)."""
    return role in ADMIN_SITE_ROLES


def require(user, capability: Can) -> None:
    """403 unless the user's role carries the capability."""
    if not allows(user, capability):
        raise PermissionDenied


# Two-factor login (docs/privacy.md, R14): these roles sign in with a password and a one-time code
# whenever settings.OTP_REQUIRED is on; social workers may enrol but need not. Every user who may use the admin
# (is_staff) needs it too.
SECOND_FACTOR_ROLES = frozenset({_LEAD, _SUP, _BUREAU, _COUNTY, _ADMIN})


def needs_second_factor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role in SECOND_FACTOR_ROLES or user.is_staff or user.is_superuser)
