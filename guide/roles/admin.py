"""The chapter for the 系统管理员 (docs/guide/admin.md); see guide/roles/__init__.py."""

from accounts.policy import Role

SLUG = "admin"
TITLE = "系统管理员"
ROLES = (Role.ADMIN,)
WIDTH = 1280
HELP = {
    "home": "home",
}


def shots(g):
    g.login("admin")
    g.shot("admin-home")
