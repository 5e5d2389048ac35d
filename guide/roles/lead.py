"""The chapter for the 项目负责人 (docs/guide/lead.md); see guide/roles/__init__.py."""

from accounts.policy import Role

SLUG = "lead"
TITLE = "项目负责人"
ROLES = (Role.PROJECT_LEAD,)
WIDTH = 1280
HELP = {
    "home": "home",
}


def shots(g):
    g.login("lead")
    g.shot("lead-home")
