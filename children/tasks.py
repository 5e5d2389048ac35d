"""Background work of the registry: checking and importing big ledgers (issue 11 item 8).

Both tasks take the `LedgerImport` id and are idempotent on it (late acks re-deliver a task whose
worker died): checking runs only while the row is still `checking`, importing only while it is
`importing`, under a row lock, so a re-delivered import never saves the children twice.
"""

from celery import shared_task
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.uploads import protected_storage

from .models import LedgerImport


def upload_path(ledger_import: LedgerImport) -> str:
    return f"imports/{ledger_import.uploaded_by_id}/{ledger_import.pk.hex}.xlsx"


@shared_task(acks_late=True)
def check_ledger(import_id: str, language: str = "zh-hans") -> str:
    """Read and check an uploaded ledger once, keep the plan on the row, then delete the file."""
    from .importing.stored import check_file

    ledger_import = LedgerImport.objects.filter(pk=import_id, state=LedgerImport.State.CHECKING).first()
    if ledger_import is None:
        return "nothing to check"
    path = upload_path(ledger_import)
    with override(language):
        if not protected_storage.exists(path):
            ledger_import.state, ledger_import.error = LedgerImport.State.FAILED, _("The uploaded file is gone.")
            ledger_import.save(update_fields=["state", "error", "updated_at"])
            return "file gone"
        with protected_storage.open(path, "rb") as file:
            check_file(ledger_import, file)
    protected_storage.delete(path)  # the plan is kept; the file is not needed any more
    return f"checked {ledger_import.row_count} rows"


@shared_task(acks_late=True)
def import_checked_ledger(import_id: str, language: str = "zh-hans") -> str:
    """Save a checked plan the user confirmed (the children, parents and tags, all or nothing)."""
    from .importing.stored import import_stored

    ledger_import = LedgerImport.objects.filter(pk=import_id, state=LedgerImport.State.IMPORTING).first()
    if ledger_import is None:
        return "nothing to import"
    with override(language):
        try:
            saved = import_stored(ledger_import)
        except IntegrityError:  # someone registered one of these children since the check
            LedgerImport.objects.filter(pk=import_id).update(
                state=LedgerImport.State.FAILED,
                error=_("The registry changed while importing; nothing was imported. Upload the ledger again."))
            return "registry changed"
    return f"imported {saved} children"


@shared_task(acks_late=True)
def end_categories() -> str:
    """Daily: category tags end on the birthday that ends them (留守 16, others 18); idempotent."""
    from .services import end_categories as run

    return f"{run()} category tags ended"


@shared_task
def recount_registry_tally() -> str:
    """Every 15 minutes: the registry's stored counts per town counted again, a safety net for writes that
    send no signal (QuerySet.update(), raw SQL); every save through the models keeps them right at once."""
    from .tally import recount_all

    return f"{recount_all()} tally rows"
