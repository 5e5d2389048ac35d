"""The chapter for the 民政局和县（市、区）民政局 (docs/guide/bureau.md); see guide/roles/__init__.py."""

from accounts.policy import Role

SLUG = "bureau"
TITLE = "民政局和县（市、区）民政局"
ROLES = (Role.BUREAU, Role.COUNTY_BUREAU,)
WIDTH = 1280
HELP = {
    "home": "home",
}


def shots(g):
    g.login("bureau")
    g.shot("bureau-home")
