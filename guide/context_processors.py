"""The 帮助 link of every page: the chapter of the user's role, at the section that explains this page."""

from django.urls import reverse

from .roles import chapter_for_role


def help_link(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"help_url": help_url_for(user, getattr(request, "resolver_match", None))}


def help_url_for(user, match) -> str:
    """/help/<chapter>/#<anchor> when the chapter's HELP names this page's URL name, else the chapter's top
    (and the guide's index for a user whose role has no chapter)."""
    chapter = chapter_for_role(user.role)
    if chapter is None:
        return reverse("guide:index")
    url = reverse("guide:chapter", args=[chapter.SLUG])
    anchor = chapter.HELP.get(match.view_name) if match is not None else None
    return f"{url}#{anchor}" if anchor else url
