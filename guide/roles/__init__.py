"""The user guide's chapters, one per role (docs/guide/README.md).

Each module here describes one chapter of docs/guide/:

    SLUG    the chapter's file name without ".md" (docs/guide/<SLUG>.md) and its address (/help/<SLUG>/)
    TITLE   the chapter's Chinese title
    ROLES   the accounts.policy.Role values the chapter is written for (its 帮助 links point here)
    WIDTH   the browser width its screenshots are taken at: 375 (a phone) or 1280
    HELP    {"namespace:url_name": "anchor"}: the section of the chapter that explains that page;
            the 帮助 link of a page whose URL name is not listed opens the chapter at its top
    shots(g) drives the browser through the chapter's tasks on the demo data and takes every
            screenshot the chapter shows (guide.runner.Guide is `g`)

A section's anchor is written in the chapter as `<a id="anchor"></a>` on the line before its heading.
"""

import importlib

MODULES = ["social_worker", "supervisor", "lead", "bureau", "admin"]


def chapters():
    """The chapter modules, in the order of the guide."""
    return [importlib.import_module(f"guide.roles.{name}") for name in MODULES]


def chapter_for_role(role):
    """The chapter written for `role` (a Role value), or None."""
    return next((chapter for chapter in chapters() if role in chapter.ROLES), None)
