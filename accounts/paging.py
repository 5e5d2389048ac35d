"""Deep pages at city scale: the page's keys first, then its rows (issue 17, docs/benchmarks.md)."""


def page_keys(paginator, number) -> tuple[int, list]:
    """The validated page number and the primary keys of that page of `paginator.object_list`, read as narrow
    rows (an index-only walk of the sort past the OFFSET) so that only the page's whole rows are read after."""
    number = paginator.validate_number(number)
    bottom = (number - 1) * paginator.per_page
    top = bottom + paginator.per_page
    if top + paginator.orphans >= paginator.count:
        top = paginator.count
    return number, list(paginator.object_list.values_list("pk", flat=True)[bottom:top])
