"""The guide's PDF made before anyone asks for it: rendering the whole guide takes 15–25 s (docs/benchmarks.md),
which the first person to download it after a change of docs/guide/ would otherwise wait through."""

from celery import shared_task

from . import render


@shared_task
def prepare_pdf() -> str:
    """Hourly: the guide's PDF rendered if docs/guide/ changed since the last one (render.cached_pdf), else
    nothing to do. Idempotent."""
    return render.cached_pdf().name
