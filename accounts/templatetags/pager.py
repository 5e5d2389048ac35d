"""`{% pager page %}`: the one pager of every list (previous, 第 n 页，共 m 页, next), its links keeping the
list's filters (the request's query string, without `page`). Nothing when there is one page."""

from django import template

register = template.Library()


@register.inclusion_tag("_pager.html", takes_context=True)
def pager(context, page):
    query = context["request"].GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    return {"page": page, "prefix": f"?{query}&page=" if query else "?page=",
            "show": page is not None and page.paginator.num_pages > 1}
