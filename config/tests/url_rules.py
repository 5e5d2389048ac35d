"""Who may open and who may change through each URL of the project: the one rule table the URL
permission matrix (test_url_matrix.py) checks every pattern against, as every persona, on an object
of the persona's own area and of another area.

A rule names capabilities of `accounts/policy.py` (never a role), so moving a duty between roles in
`ROLE_CAPABILITIES` moves the expected answers with it. Each URL name needs an entry in `RULES` (app
URLs) or is covered by `ADMIN_RULES` (the admin's); a new URL without one fails the suite.

How an answer is expected (`expected()`):
- anonymous: the login redirect (302), unless the URL is public;
- the object of the URL not visible to the user (other area, no registry access): 404 — never 403,
  which would tell that the id exists; when the user also lacks the capability, 403 is accepted too
  (the view may refuse the role before fetching);
- visible, capability missing: 403;
- allowed: the rule's `ok` answers (200 for a page; 200 or 302 for a POST: form errors or done).
A POST to a URL that changes nothing (`post=None`) answers like its GET, or 405; a GET of a
POST-only URL answers 405 (or the login redirect)."""

from dataclasses import dataclass
from enum import Enum

from accounts.policy import Can, allows
from config.tests.matrix_world import AREA_CODES, OWN


class Scope(Enum):
    """Which objects of an area a user sees (the rule each model's visible_to must follow)."""

    NONE = "no object"            # a list or a create page
    CHILD = "child data"          # see the whole project, or see an area that holds the child
    ACTIVITY = "project record"   # the project and the team see all; a county bureau its county
    ARTICLE = "article"           # the team sees every article; the reviewer those sent to it
    DIRECTORY = "directory"       # no child data: every signed-in user
    MINE = "mine"                 # only the user it belongs to (notifications)
    FEEDBACK = "worker feedback"  # its author, and those who answer it (Can.READ_WORKER_FEEDBACK)


ANYONE = "anyone"        # public, even signed out
SIGNED_IN = "signed in"  # any signed-in user
AUTHOR = "author"        # the social worker who made the object (the area's worker in matrix_world)
TEAM = "team"            # the project team: MANAGE_PROJECT, or a caseload with an area
POST_ONLY = "post only"  # GET answers 405
NOBODY = "nobody"

PAGE = frozenset({200})
DONE = frozenset({200, 302})
REFUSED_OR_DONE = DONE | {400}  # a view that answers an empty form with 400


@dataclass(frozen=True)
class Rule:
    get: object                  # who may open: a Can, ANYONE, SIGNED_IN, AUTHOR, a tuple (any of), POST_ONLY
    post: object = None          # who may change; None: the URL changes nothing
    scope: Scope = Scope.NONE
    get_ok: frozenset = PAGE
    post_ok: frozenset = DONE


def _read(capability=Can.SEE_REGISTRY, scope=Scope.CHILD, **extra) -> Rule:
    return Rule(get=capability, scope=scope, **extra)


def _form(capability=Can.DO_CASEWORK, scope=Scope.CHILD, **extra) -> Rule:
    return Rule(get=capability, post=capability, scope=scope, **extra)


def _action(capability=Can.DO_CASEWORK, scope=Scope.CHILD, **extra) -> Rule:
    return Rule(get=POST_ONLY, post=capability, scope=scope, **extra)


CASEWORK_OR_AUTHOR = ((Can.MANAGE_PROJECT,), AUTHOR)

RULES: dict[str, Rule] = {
    # accounts and the site
    "home": _read(SIGNED_IN, Scope.NONE),
    "healthz": Rule(get=ANYONE),
    "login": Rule(get=ANYONE, post=ANYONE, get_ok=DONE),
    "logout": _action(SIGNED_IN, Scope.NONE),
    "accounts:team": _read(Can.SEE_TEAM, Scope.NONE),
    "accounts:notifications": _read(SIGNED_IN, Scope.NONE),
    "accounts:notification_open": _read(SIGNED_IN, Scope.MINE, get_ok=frozenset({302})),
    "accounts:notifications_read_all": _action(SIGNED_IN, Scope.NONE),
    "accounts:password_change": _form(SIGNED_IN, Scope.NONE),
    "accounts:password_done": _read(SIGNED_IN, Scope.NONE),
    # two-factor login (accounts/otp_views.py): verify and enrol redirect once done or when the other is due
    "accounts:otp_manage": _form(SIGNED_IN, Scope.NONE),
    "accounts:otp_verify": _form(SIGNED_IN, Scope.NONE, get_ok=DONE),
    "accounts:otp_enrol": _form(SIGNED_IN, Scope.NONE, get_ok=DONE),
    "accounts:otp_users": _read(Can.LEAD_PROJECT, Scope.NONE),
    "accounts:otp_reset": _action(Can.LEAD_PROJECT, Scope.NONE),
    "divisions:options": _read(SIGNED_IN, Scope.NONE),
    # periodic reports (matrix_world's report: each area's analysis report, submitted to the bureau)
    "reports:index": _read(Can.SEE_OVERVIEW, Scope.NONE),
    "reports:dashboard": _read(Can.SEE_OVERVIEW, Scope.NONE),
    "reports:generate": _form(Can.LEAD_PROJECT, Scope.NONE),
    "reports:detail": _read(Can.SEE_OVERVIEW, Scope.ACTIVITY),
    "reports:status": _read(Can.SEE_OVERVIEW, Scope.ACTIVITY),
    # the world's report has no rendered file: 404 once allowed
    "reports:download": _read(Can.DOWNLOAD_REPORTS, Scope.ACTIVITY, get_ok=frozenset({200, 404})),
    "reports:narratives": _action(Can.LEAD_PROJECT, Scope.ACTIVITY),
    "reports:rerender": _action(Can.LEAD_PROJECT, Scope.ACTIVITY),
    "reports:request_review": _action(Can.LEAD_PROJECT, Scope.ACTIVITY),
    "reports:review": _action(Can.SUPERVISE, Scope.ACTIVITY),
    "reports:sign_off": _action(Can.LEAD_PROJECT, Scope.ACTIVITY),
    "reports:submit": _action(Can.LEAD_PROJECT, Scope.ACTIVITY),
    "reports:decide": _action(Can.RECEIVE_REPORTS, Scope.ACTIVITY),
    # the hand-over of the archive (R9): the lead exports, the bureau downloads; no object in the URL
    "handover:index": _read((Can.EXPORT_HANDOVER, Can.DOWNLOAD_HANDOVER), Scope.NONE),
    "handover:status": _read((Can.EXPORT_HANDOVER, Can.DOWNLOAD_HANDOVER), Scope.NONE),
    "handover:start": _action(Can.EXPORT_HANDOVER, Scope.NONE),
    "handover:download": _read(Can.DOWNLOAD_HANDOVER, Scope.NONE, get_ok=frozenset({200, 404})),
    # the user guide (guide/): every signed-in user reads every chapter; the PDF is rendered from the repository
    "guide:index": _read(SIGNED_IN, Scope.NONE),
    "guide:chapter": _read(SIGNED_IN, Scope.NONE),
    "guide:image": _read(SIGNED_IN, Scope.NONE),
    "guide:pdf": _read(SIGNED_IN, Scope.NONE),
    "guide:dismiss_hint": _action(SIGNED_IN, Scope.NONE),
    # the registry (children)
    "children:list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "children:autocomplete": _read(SIGNED_IN, Scope.NONE),  # results through visible_to: none for the administrator
    "children:create": _form(scope=Scope.NONE),
    "children:turning_age": _read(Can.SEE_REGISTRY, Scope.NONE),
    "children:detail": _read(),
    "children:edit": _form(),
    "children:pdf": _read(Can.PRINT_CHILD_FILE),
    "children:photo": _read(),
    "children:reveal_id": _action(Can.SEE_REGISTRY),
    "children:exit": _form(),
    "children:readmit": _action(),
    # guardian and child requests (R8): the team records and answers them
    "children:requests": _form(Can.DO_CASEWORK),
    "children:request_detail": _form(Can.DO_CASEWORK),
    "children:category_add": _form(),
    "children:category_edit": _form(),
    "children:category_remove": _action(),
    "children:category_evidence": _read(),
    "children:enrolment_add": _form(),
    "children:enrolment_edit": _form(),
    "children:risk_history": _read(),
    "children:risk_assess": _form(),
    "children:risk_detail": _read(),
    "children:risk_event_new": _action(post_ok=REFUSED_OR_DONE),
    "children:import": _form(scope=Scope.NONE),
    "children:import_template": _read(SIGNED_IN, Scope.NONE),
    # a token that names no upload: 404 even for those who may import
    "children:import_preview": _form(scope=Scope.NONE, get_ok=frozenset({404}), post_ok=frozenset({404})),
    "children:import_cancel": _action(scope=Scope.NONE, post_ok=frozenset({404})),
    "children:import_progress": _read(Can.DO_CASEWORK, Scope.NONE, get_ok=frozenset({404})),
    "children:pending": _read(Can.SEE_REGISTRY, Scope.NONE),  # 待细分 and tags whose facts do not hold
    # 高风险未开案: the lead and the supervisor decide (open a case, or record why not)
    "children:high_risk_no_case": _read((Can.LEAD_PROJECT, Can.SUPERVISE), Scope.NONE),
    "children:no_case_reason": _action((Can.LEAD_PROJECT, Can.SUPERVISE)),
    "children:export": _read(Can.EXPORT_REGISTRY, Scope.NONE),  # masked; ?full=1 for EXPORT_REGISTRY_FULL
    # households (家庭): seen with their children, changed by caseworkers (docs/households.md)
    "children:household_list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "children:household_create": _form(),
    "children:household_detail": _read(),
    "children:household_edit": _form(),
    "children:household_confirm": _action(),
    "children:household_add": _action(),
    "children:household_move_out": _action(),
    # visits
    "visits:worklist": _read(SIGNED_IN, Scope.NONE),
    "visits:compliance": _read(scope=Scope.NONE),
    "visits:visit_list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "visits:visit_create": _form(),
    "visits:household_visit_create": _form(),
    "visits:visit_detail": _read(),
    "visits:visit_edit": Rule(get=CASEWORK_OR_AUTHOR, post=CASEWORK_OR_AUTHOR, scope=Scope.CHILD),
    "visits:photo": _read(),
    "visits:call_create": _form(),
    "visits:call_detail": _read(),
    "visits:followup_list": _read(SIGNED_IN, Scope.NONE),
    "visits:followup_create": _form(scope=Scope.NONE),
    "visits:followup_detail": _read(),
    "visits:followup_feedback": Rule(get=POST_ONLY, post=CASEWORK_OR_AUTHOR, scope=Scope.CHILD),
    "visits:followup_received": _action(Can.RECEIVE_REPORTS),
    # case files
    "cases:list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "cases:case_create": _form(scope=Scope.NONE),
    "cases:detail": _read(),
    "cases:assess": _form(),
    "cases:plan": _form(),
    "cases:plan_submit": _form(),
    "cases:service_add": _form(),
    "cases:note_add": _form(),
    "cases:referral_add": _form(),
    "cases:evaluate": _form(),
    "cases:close": _form(),
    "cases:reopen": _form(),
    "cases:pdf": _read(Can.PRINT_CASE_FILE),
    "cases:referral_update": _form(),
    "cases:follow_up": _form(),
    "cases:resource_list": _read(SIGNED_IN, Scope.NONE),
    "cases:resource_create": _form(Can.DO_CASEWORK, Scope.NONE),
    "cases:resource_detail": _read(SIGNED_IN, Scope.DIRECTORY),
    "cases:resource_edit": _form(Can.DO_CASEWORK, Scope.DIRECTORY),
    # discovery reports
    "cases:direct_service_create": _form(),
    "cases:incident_list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "cases:incident_create": _form(scope=Scope.NONE),
    "cases:incident_child_options": _read(SIGNED_IN, Scope.NONE),
    "cases:incident_detail": _read(),
    "cases:incident_log_notice": _action(),
    "cases:incident_feedback": _action(),
    "cases:incident_add_measure": _action(),
    "cases:incident_confirm_risk": _action(),
    "cases:incident_link_child": _action(),
    # activities and articles
    "activities:list": _read(SIGNED_IN, Scope.NONE),
    "activities:create": _form(TEAM, Scope.NONE),
    "activities:calendar": _read(SIGNED_IN, Scope.NONE),
    "activities:targets": _read((TEAM, Can.REVIEW_ARTICLES), Scope.NONE),
    "activities:detail": _read(scope=Scope.ACTIVITY),
    "activities:edit": _form(CASEWORK_OR_AUTHOR, Scope.ACTIVITY),
    "activities:photo_add": _action(CASEWORK_OR_AUTHOR, Scope.ACTIVITY),
    "activities:attendee_add": _action(CASEWORK_OR_AUTHOR, Scope.ACTIVITY),
    "activities:attendee_delete": _action(CASEWORK_OR_AUTHOR, Scope.ACTIVITY),
    "activities:photo": _read(scope=Scope.ACTIVITY),
    "activities:article_list": _read(SIGNED_IN, Scope.NONE),
    "activities:article_create": _form(TEAM, Scope.NONE),
    "activities:review_list": _read(Can.REVIEW_ARTICLES, Scope.NONE),
    "activities:article_detail": _read(scope=Scope.ARTICLE),
    "activities:article_edit": _form(CASEWORK_OR_AUTHOR, Scope.ARTICLE),
    "activities:article_image_add": _action(CASEWORK_OR_AUTHOR, Scope.ARTICLE),
    "activities:article_submit": _action(CASEWORK_OR_AUTHOR, Scope.ARTICLE, post_ok=REFUSED_OR_DONE),
    "activities:article_decide": _action(Can.REVIEW_ARTICLES, Scope.ARTICLE),
    "activities:article_publish": _action(CASEWORK_OR_AUTHOR, Scope.ARTICLE),
    "activities:article_image": _read(scope=Scope.ARTICLE),
    # evaluation: surveys follow a child; partners and 摸排 rounds are project records (the team and the
    # city bureau see all, a county bureau its county); a worker's monthly feedback is read by its author
    # and by those who answer it (matrix_world: one of each per area, by the area's worker)
    "evaluation:index": _read(Can.SEE_REGISTRY, Scope.NONE),
    "evaluation:survey_list": _read(Can.SEE_REGISTRY, Scope.NONE),
    # without ?case=, ?activity= or ?visit= the form has no occasion: back to the list
    "evaluation:survey_create": _form(scope=Scope.NONE, get_ok=frozenset({302})),
    "evaluation:survey_detail": _read(),
    "evaluation:questions": Rule(get=Can.SEE_OVERVIEW, post=Can.LEAD_PROJECT),
    "evaluation:coverage": Rule(get=Can.SEE_OVERVIEW, post=Can.LEAD_PROJECT),
    "evaluation:feedback_list": _read(SIGNED_IN, Scope.NONE),
    "evaluation:feedback_create": _form(Can.HAVE_CASELOAD, Scope.NONE),
    "evaluation:feedback_detail": _read(SIGNED_IN, Scope.FEEDBACK),
    "evaluation:feedback_edit": _form(AUTHOR, Scope.FEEDBACK),  # until the supervisor has answered
    "evaluation:feedback_respond": _action(Can.SUPERVISE, Scope.FEEDBACK, post_ok=REFUSED_OR_DONE),
    "evaluation:partner_list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "evaluation:partner_create": _form(scope=Scope.NONE),
    "evaluation:partner_detail": _read(scope=Scope.ACTIVITY),
    "evaluation:partner_edit": _form(CASEWORK_OR_AUTHOR, Scope.ACTIVITY),
    "evaluation:partner_feedback_add": _action(scope=Scope.ACTIVITY, post_ok=REFUSED_OR_DONE),
    "evaluation:screening_list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "evaluation:screening_create": _form(scope=Scope.NONE),
    "evaluation:screening_detail": _read(scope=Scope.ACTIVITY),
    "evaluation:screening_edit": _form(CASEWORK_OR_AUTHOR, Scope.ACTIVITY),
    "evaluation:help_list": _read(Can.SEE_REGISTRY, Scope.NONE),
    "evaluation:help_create": _form(scope=Scope.NONE),
}

# The admin's patterns: the site's own pages by name, and every registered model's pages
# (admin:<app>_<model>_<page>) by the model admin's declared capabilities (test_admin_matrix).
ADMIN_SITE_URLS = {"admin:index", "admin:login", "admin:logout", "admin:password_change",
                   "admin:password_change_done", "admin:autocomplete", "admin:jsi18n", "admin:view_on_site",
                   "admin:app_list", "admin:auth_user_password_change", "admin:[admin/(?P<url>.*)$]"}
# "decide": the approve-or-return page of a case (cases/admin.py), behind the same model admin's permissions.
ADMIN_MODEL_PAGES = ("changelist", "add", "history", "simple_history", "delete", "change", "decide")


def _is_admin_model_url(name: str, admin_models: set[str]) -> bool:
    """admin:<app>_<model>_<page>, or the unnamed admin/<app>/<model>/<id>/ redirect to the change page."""
    if not name.startswith("admin:"):
        return False
    body = name[len("admin:"):]
    if body.startswith("[admin/") and body.endswith("/<path:object_id>/]"):
        return "_".join(body[len("[admin/"):-len("/<path:object_id>/]")].split("/")) in admin_models
    return any(body == f"{prefix}_{page}" for prefix in admin_models for page in ADMIN_MODEL_PAGES)


def admin_model_prefixes() -> set[str]:
    from django.contrib import admin

    return {f"{model._meta.app_label}_{model._meta.model_name}" for model in admin.site._registry}


def missing(names) -> list[str]:
    """URL names that no rule covers (each must get one)."""
    admin_models = admin_model_prefixes()
    return sorted(name for name in set(names)
                  if name not in RULES and name not in ADMIN_SITE_URLS
                  and not _is_admin_model_url(name, admin_models))


def stale(names) -> list[str]:
    """Rules for URL names that no longer exist."""
    return sorted(set(RULES) - set(names))


def rule_for(name: str) -> Rule:
    return RULES[name]


# ---------------------------------------------------------------- expected answers

def _area_codes(user) -> set[str]:
    return {code[:6] for code in user.area_codes()}


def sees(scope: Scope, user, persona: str, area: str) -> bool:
    in_area = AREA_CODES[area] in _area_codes(user)
    team = allows(user, Can.HAVE_CASELOAD) and bool(_area_codes(user))
    if scope is Scope.NONE or scope is Scope.DIRECTORY:
        return True
    if scope is Scope.CHILD:
        return allows(user, Can.SEE_PROJECT) or (allows(user, Can.SEE_AREA) and in_area)
    if scope is Scope.ACTIVITY:
        return allows(user, Can.SEE_PROJECT) or team or (allows(user, Can.SEE_AREA) and in_area)
    if scope is Scope.ARTICLE:  # matrix_world's articles are submitted, never drafts
        return allows(user, Can.MANAGE_PROJECT) or team or allows(user, Can.REVIEW_ARTICLES)
    if scope is Scope.MINE:
        return persona == "worker" and area == OWN
    if scope is Scope.FEEDBACK:
        return allows(user, Can.READ_WORKER_FEEDBACK) or (persona == "worker" and area == OWN)
    raise ValueError(scope)


def may(who, user, persona: str, area: str) -> bool:
    if isinstance(who, tuple):
        return any(may(alternative, user, persona, area) for alternative in who)
    if who in (ANYONE, SIGNED_IN):
        return True
    if who == TEAM:
        return allows(user, Can.MANAGE_PROJECT) or (allows(user, Can.HAVE_CASELOAD) and bool(_area_codes(user)))
    if who == AUTHOR:
        return persona == "worker" and area == OWN and allows(user, Can.DO_CASEWORK)
    if who in (NOBODY, POST_ONLY, None):
        return False
    return allows(user, who)


LOGIN = frozenset({302})


def expected(rule: Rule, user, persona: str, area: str, method: str) -> frozenset:
    """The answers this user may get for this URL on an object of `area`."""
    if method == "GET" and rule.get == POST_ONLY:
        return frozenset({405}) | (LOGIN if user is None else frozenset())
    if method == "POST" and rule.post is None:
        return expected(rule, user, persona, area, "GET") | {405}
    who, ok = (rule.get, rule.get_ok) if method == "GET" else (rule.post, rule.post_ok)
    if user is None:
        return ok if who == ANYONE else LOGIN
    allowed = may(who, user, persona, area)
    if not sees(rule.scope, user, persona, area):
        return frozenset({404}) if allowed else frozenset({403, 404})
    return ok if allowed else frozenset({403})


# ---------------------------------------------------------------- the admin

SUPERUSER = "superuser"  # Django's own model permissions: only the superuser (the system administrator)

# Who may open each model's list in the admin, for model admins that do not declare it through
# accounts.admin.RoleAdminMixin (whose `view_capability` is the rule for the others).
ADMIN_VIEW: dict[str, object] = {
    "auth.group": SUPERUSER,
    "axes.accessattempt": SUPERUSER,
    "axes.accesslog": SUPERUSER,
    "axes.accessfailurelog": SUPERUSER,
    "divisions.division": SUPERUSER,
    "accounts.user": SUPERUSER,
    "accounts.approval": Can.MANAGE_PROJECT,
    "accounts.auditentry": Can.READ_AUDIT_LOG,
    "children.category": Can.MANAGE_PROJECT,
    "children.benefit": Can.MANAGE_PROJECT,
    "children.contact": Can.MANAGE_PROJECT,
}


def admin_list_url(model, model_admin) -> str:
    """A model's list; for a one-row policy (whose list redirects to its row), the row."""
    from django.urls import reverse

    from accounts.admin import PolicyAdminMixin

    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if isinstance(model_admin, PolicyAdminMixin):
        return reverse(f"{info}_change", args=[model.current().pk])
    return reverse(f"{info}_changelist")


def admin_view_rule(model, model_admin):
    from accounts.admin import RoleAdminMixin

    if isinstance(model_admin, RoleAdminMixin):
        return model_admin.view_capability
    return ADMIN_VIEW[model._meta.label_lower]  # KeyError: a new model admin needs a rule here


def expected_admin(rule, user) -> frozenset:
    """A model's admin list: the signed-out and those who do not use the admin are sent to the admin's
    login (which answers the latter with 403); staff see it when the rule allows, else 403."""
    if user is None or not user.is_staff:
        return LOGIN
    allowed = user.is_superuser if rule == SUPERUSER else allows(user, rule)
    return PAGE if allowed else frozenset({403})
