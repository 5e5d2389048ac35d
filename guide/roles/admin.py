"""The chapter for the 系统管理员 (docs/guide/admin.md); see guide/roles/__init__.py."""

import json

from accounts.policy import Role
from guide.runner import DEMO_PASSWORD

SLUG = "admin"
TITLE = "系统管理员"
ROLES = (Role.ADMIN,)
WIDTH = 1280
HELP = {
    "home": "home",
    "login": "home",
    "accounts:notifications": "home",
    "accounts:password_change": "password",
    "accounts:otp_manage": "password",
    "accounts:otp_verify": "password",
    "accounts:otp_enrol": "password",
    "accounts:team": "team",
    "admin:index": "home",
    "admin:accounts_user_changelist": "new-account",
    "admin:accounts_user_add": "new-account",
    "admin:accounts_user_change": "new-account",
    "admin:auth_user_password_change": "password",
    "admin:accounts_auditentry_changelist": "audit-log",
    "admin:accounts_auditentry_change": "audit-log",
    "admin:axes_accessattempt_changelist": "password",
}

# A colleague who is leaving (the account the chapter deactivates), and a username not taken yet for the new
# account; both made here so that the chapter does not depend on what other chapters did to the demo users.
SETUP = r"""
import json
from accounts.models import Role, StaffProfile, User
from divisions.models import Division

P, C, E = StaffProfile.Position, StaffProfile.Certificate, StaffProfile.Education
leaver, _created = User.objects.get_or_create(username="worker_deng", defaults={"full_name": "邓志伟",
                                                                                "role": Role.SOCIAL_WORKER})
leaver.is_active = True
leaver.set_password("%(password)s")
leaver.save()
leaver.areas.set(Division.objects.filter(code="440882"))
StaffProfile.objects.update_or_create(user=leaver, defaults=dict(
    position=P.PROJECT_WORKER, education=E.JUNIOR_COLLEGE, major="社会工作", major_related=True,
    certificate=C.ASSISTANT, child_service_years=2, difficulty_service_years=1))
taken = set(User.objects.values_list("username", flat=True))
username = next(name for name in ["worker5"] + [f"worker5_{n}" for n in range(2, 99)] if name not in taken)
print("SETUP=" + json.dumps({"leaver": leaver.pk, "username": username,
                             "me": User.objects.get(username="admin").pk}))
"""


def _setup(g) -> dict:
    output = g.shell(SETUP % {"password": DEMO_PASSWORD})
    line = next(line for line in output.splitlines() if line.startswith("SETUP="))
    return json.loads(line.removeprefix("SETUP="))


def _open(g, path):
    """A page that answers with a refusal (403): g.goto stops on it, the chapter wants to show it."""
    g.page.goto(g.url(path))
    g.page.wait_for_load_state("networkidle")


def _open_user(g, username):
    """A user's page as the administrator finds it: the user list, searched by username."""
    g.goto("admin:accounts_user_changelist")
    g.page.fill("#searchbar", username)
    g.page.press("#searchbar", "Enter")
    g.page.wait_for_load_state("networkidle")
    g.page.locator("#result_list tbody tr th a", has_text=username).first.click()
    g.page.wait_for_load_state("networkidle")


def _submit(page, selector="input[name=_save]"):
    page.click(selector)
    page.wait_for_load_state("networkidle")


def shots(g):
    ready = _setup(g)
    username = ready["username"]
    new_password = "Leizhou-bandao-2026"

    # --- 登录、工作台和管理后台 -----------------------------------------------------------------------
    page = g.login("admin")
    g.shot("admin-home")
    g.goto("admin:index")
    g.shot("admin-admin-index")

    # --- 新建用户账号 -------------------------------------------------------------------------------
    g.goto("admin:accounts_user_changelist")
    g.shot("admin-users")
    g.goto("admin:accounts_user_add")
    page.fill("#id_username", username)
    page.fill("#id_password1", "12345678")
    page.fill("#id_password2", "12345678")
    page.fill("#id_full_name", "许嘉欣")
    page.select_option("#id_role", "social_worker")
    _submit(page)
    g.shot("admin-user-add-refused")
    page.fill("#id_password1", "Xu-jiaxin-2026")
    page.fill("#id_password2", "Xu-jiaxin-2026")
    page.select_option("#id_profile-0-education", "bachelor")
    page.fill("#id_profile-0-major", "社会工作")
    page.check("#id_profile-0-major_related")
    page.select_option("#id_profile-0-certificate", "assistant")
    page.fill("#id_profile-0-certificate_number", "ZJ2025-0612")
    page.fill("#id_profile-0-child_service_years", "1")
    page.fill("#id_profile-0-difficulty_service_years", "0.5")
    page.select_option("#id_profile-0-position", "project_worker")
    g.shot("admin-user-add")
    _submit(page)
    g.shot("admin-user-added", full_page=False)
    page.locator("#id_areas_input").press_sequentially("赤坎区")
    page.locator("#id_areas_from option", has_text="赤坎区").first.click()
    page.click("#id_areas_add")
    page.fill("#id_phone", "13800000000")
    page.locator("fieldset:has(#id_role)").scroll_into_view_if_needed()
    g.shot("admin-user-areas", selector="fieldset:has(#id_role)")
    g.shot("admin-user-profile", selector="#profile-group")
    _submit(page)
    g.shot("admin-user-saved")

    # --- 团队人员配置要求 ----------------------------------------------------------------------------
    g.goto("accounts:team")
    g.shot("admin-team")
    _open(g, "/admin/accounts/staffrecord/add/")
    g.shot("admin-staff-record-refused")

    # --- 停用账号（离职） ----------------------------------------------------------------------------
    _open_user(g, "worker_deng")
    # set in the page: Playwright's click on this box left its wait for the network to settle hanging (first run)
    page.locator("#id_is_active").evaluate("box => { box.checked = false; }")
    g.shot("admin-deactivate", selector="fieldset:has(#id_is_active)")
    _submit(page)
    g.goto("/admin/accounts/user/?is_active__exact=0")
    g.shot("admin-inactive-users")

    # nobody changes their own role, area or permissions
    g.goto("admin:accounts_user_change", ready["me"])
    page.select_option("#id_role", "project_lead")
    _submit(page)
    g.shot("admin-own-role-refused", full_page=False)

    # --- 重置密码和两步验证 --------------------------------------------------------------------------
    _open_user(g, username)
    page.locator("a[href$='password/']").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_password1", new_password)
    page.fill("#id_password2", new_password + "x")
    _submit(page, "input[type=submit]")
    g.shot("admin-password-refused")
    page.fill("#id_password1", new_password)
    page.fill("#id_password2", new_password)
    _submit(page, "input[type=submit]")
    g.shot("admin-password-done", full_page=False)

    g.goto("accounts:otp_manage")
    g.shot("admin-otp")
    _open(g, "/accounts/second-factor/users/")
    g.shot("admin-otp-reset-refused")

    # what the colleague who left sees now
    g.anonymous()
    g.goto("login")
    g.page.fill("input[name=username]", "worker_deng")
    g.page.fill("input[name=password]", DEMO_PASSWORD)
    _submit(g.page, "form button[type=submit]")
    g.shot("admin-deactivated-login")

    # a locked account: five wrong passwords from one address, then the administrator unlocks it
    for _attempt in range(5):
        g.goto("login")
        g.page.fill("input[name=username]", username)
        g.page.fill("input[name=password]", "wrong-password")
        _submit(g.page, "form button[type=submit]")
    g.goto("login")
    g.page.fill("input[name=username]", username)
    g.page.fill("input[name=password]", new_password)
    _submit(g.page, "form button[type=submit]")
    g.shot("admin-locked-out")
    page = g.login("admin")
    g.goto("/admin/axes/accessattempt/")
    g.shot("admin-access-attempts")
    page.locator("#result_list tbody tr", has_text=username).locator("input.action-select").first.check()
    page.select_option("select[name=action]", "delete_selected")
    _submit(page, "#changelist-form button[name=index]")
    g.shot("admin-unlock-confirm")
    _submit(page, "input[type=submit]")
    g.shot("admin-unlocked")

    # --- 合同年度 ------------------------------------------------------------------------------------
    _open(g, "/admin/activities/contractyear/")
    g.shot("admin-contract-year-refused")

    # --- 操作日志 ------------------------------------------------------------------------------------
    g.goto("/admin/accounts/auditentry/?action=user.access_changed")
    g.shot("admin-audit-log")
    page.locator("#result_list tbody tr th a, #result_list tbody tr td a").first.click()
    page.wait_for_load_state("networkidle")
    g.shot("admin-audit-entry")

