"""The one place HTML becomes a PDF (WeasyPrint): the child's 个人档案, the case file, the periodic reports.

A WeasyPrint document is a web of reference cycles (boxes point at their parents, styles at their
boxes, fonts at their faces): when the render returns, thousands of objects wait for the cyclic
collector, which Python runs rarely for old objects. The long-lived processes that render — gunicorn
workers and Celery pool processes — therefore collect garbage right after each render, and are also
replaced after a number of requests or tasks (deploy/gunicorn.conf.py `max_requests`; the Celery
settings `CELERY_WORKER_MAX_TASKS_PER_CHILD` / `CELERY_WORKER_MAX_MEMORY_PER_CHILD`), which gives back
what the allocator keeps even after a collection (docs/deployment.md)."""

import gc


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`, with the garbage of its rendering collected before it is returned."""
    from weasyprint import HTML  # imported when a PDF is asked for: WeasyPrint is slow to load

    try:
        return HTML(string=html).write_pdf()
    finally:
        gc.collect()
