"""The user guide in the app (/help/): its chapters as pages, their screenshots, the whole guide as a PDF, and
the first-steps hint's close button. Every signed-in user may read every chapter; nobody else (the
screenshots show the demo data, but still the system's pages)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.services import audit

from . import pages
from . import render as guide_pdf
from .models import HintDismissal
from .roles import chapter_for_role, chapters


def _page(request, slug, text):
    current = pages.chapter_by_slug(slug) if slug else None
    addresses = pages.AppAddresses(phone=current is not None and current.WIDTH < 768)
    html = mark_safe(pages.to_html(text, addresses))  # noqa: S308 - sanitised by pages.to_html
    return render(request, "guide/page.html", {
        "html": html, "title": pages.title_of(text), "slug": slug, "chapters": chapters(),
        "own": chapter_for_role(request.user.role)})


@login_required
def index(request):
    return _page(request, None, pages.read(None))


@login_required
def chapter(request, slug):
    if pages.chapter_by_slug(slug) is None:
        raise Http404
    return _page(request, slug, pages.read(slug))


@login_required
def image(request, name):
    path = pages.image_path(name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")


@login_required
def pdf(request):
    """The whole guide as one PDF, rendered once for each state of the chapters (render.cached_pdf)."""
    path = guide_pdf.cached_pdf()
    audit(user=request.user, action="guide.download", request=request)
    return FileResponse(path.open("rb"), as_attachment=True, filename=guide_pdf.FILENAME,
                        content_type="application/pdf")


@login_required
@require_POST
def dismiss_hint(request):
    HintDismissal.objects.get_or_create(user=request.user)
    return redirect("home")
