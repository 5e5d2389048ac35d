"""The chapter for the 社工 (docs/guide/social-worker.md); see guide/roles/__init__.py."""

from accounts.policy import Role

SLUG = "social-worker"
TITLE = "社工"
ROLES = (Role.SOCIAL_WORKER,)
WIDTH = 375
HELP = {
    "home": "home",
}


def shots(g):
    g.login("worker1")
    g.shot("social-worker-home")
