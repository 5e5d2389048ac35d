"""The chapter for the 督导 (docs/guide/supervisor.md); see guide/roles/__init__.py."""

from accounts.policy import Role

SLUG = "supervisor"
TITLE = "督导"
ROLES = (Role.SUPERVISOR,)
WIDTH = 1280
HELP = {
    "home": "home",
}


def shots(g):
    g.login("supervisor")
    g.shot("supervisor-home")
